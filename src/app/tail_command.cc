#include "app/tail_command.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <optional>
#include <thread>

#include "app/flat_printer.h"
#include "app/output_buffer.h"
#include "app/replica_setup.h"
#include "app/stop_signal.h"
#include "app/tail_options.h"
#include "binlog/event_decoder.h"
#include "binlog/event_type.h"
#include "mysql/control_connection.h"
#include "mysql/replica_stream.h"
#include "pipeline/field_filter.h"
#include "pipeline/resume_tracker.h"
#include "pipeline/statement.h"
#include "pipeline/table_filter.h"
#include "pipeline/table_resolver.h"
#include "schema/schema_cache.h"

namespace sluice::app {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kFirstBackoff{250};

bool stop_requested() { return stop_signalled(); }

// One line on stderr, whole: GTID sets and server messages can be long.
[[gnu::format(printf, 1, 2)]] void log(const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  const int n = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  std::string line = "sluice tail: ";
  const size_t prefix = line.size();
  line.resize(prefix + static_cast<size_t>(std::max(n, 0)) + 1);
  std::vsnprintf(line.data() + prefix, line.size() - prefix, format, args);
  va_end(args);
  line.back() = '\n';
  std::fputs(line.c_str(), stderr);
}

bool retryable(const Error& e) {
  return e.code == Errc::kIo || e.code == Errc::kTimeout;
}

// Binlog file names share a base and differ in a zero-padded number; a
// longer number is a later file.
bool position_reached(const std::string& file, uint64_t pos,
                      const mysql::ServerPosition& end) {
  if (file.size() != end.file.size()) return file.size() > end.file.size();
  if (file != end.file) return file > end.file;
  return pos >= end.position;
}

// The consumer end of the chain decoder -> ResumeTracker -> this: filters
// and completes table definitions, follows DDL, prints.
class TailHandler final : public binlog::EventHandler {
 public:
  TailHandler(binlog::EventDecoder& decoder, pipeline::TableResolver& resolver,
              FlatPrinter& printer)
      : decoder_(decoder), resolver_(resolver), printer_(printer) {}

  Status on_table_map(binlog::TableMap& map) override {
    return resolver_.resolve(map);
  }
  Status on_row(const binlog::RowEvent& row) override {
    return printer_.on_row(row);
  }
  Status on_gtid(const binlog::EventHeader& header,
                 const binlog::GtidInfo& gtid) override {
    return printer_.on_gtid(header, gtid);
  }
  Status on_query(const binlog::EventHeader& header,
                  const binlog::QueryEvent& q, std::string_view sql) override {
    const pipeline::Statement st = pipeline::classify_statement(sql, q.schema);
    if (st.transaction_control) return {};
    // Definitions may have changed: the next TABLE_MAP of every table is
    // resolved again, even when its bytes are the same.
    decoder_.forget_tables();
    if (!resolver_.on_statement(st)) return {};
    return printer_.on_query(header, q, sql);
  }

 private:
  binlog::EventDecoder& decoder_;
  pipeline::TableResolver& resolver_;
  FlatPrinter& printer_;
};

class Progress {
 public:
  explicit Progress(milliseconds every) : every_(every) {}

  void maybe_report(const pipeline::ResumeTracker& t) {
    if (every_.count() == 0) return;
    const auto now = Clock::now();
    if (now - last_ < every_) return;
    const double secs = std::chrono::duration<double>(now - last_).count();
    const uint64_t rows = t.rows_forwarded();
    const uint64_t txns = t.transactions();
    std::string lag = "idle, caught up";
    if (txns != last_txns_ || rows != last_rows_) {
      const auto wall = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
      lag = "lag " +
            std::to_string(std::max<int64_t>(
                0, wall - static_cast<int64_t>(t.last_event_time()))) +
            " s";
    }
    log("%llu rows (%.0f/s), %llu transactions, at %s, %s",
        static_cast<unsigned long long>(rows),
        static_cast<double>(rows - last_rows_) / secs,
        static_cast<unsigned long long>(txns), t.committed_text().c_str(),
        lag.c_str());
    last_ = now;
    last_rows_ = rows;
    last_txns_ = txns;
  }

 private:
  milliseconds every_;
  Clock::time_point last_ = Clock::now();
  uint64_t last_rows_ = 0;
  uint64_t last_txns_ = 0;
};

void sleep_unless_stopped(milliseconds d) {
  const auto until = Clock::now() + d;
  while (Clock::now() < until && !stop_requested())
    std::this_thread::sleep_for(milliseconds(50));
}

mysql::ControlConnectionOptions control_options(const TailOptions& o) {
  mysql::ControlConnectionOptions c;
  c.user = o.user;
  c.password = o.password;
  const auto secs = [](milliseconds ms) {
    return static_cast<unsigned>(
        std::max<int64_t>(1, (ms.count() + 999) / 1000));
  };
  c.connect_timeout_s = secs(o.connect_timeout);
  c.read_timeout_s = 30;
  c.write_timeout_s = 30;
  c.tls.enabled = o.tls_mode != mysql::TlsMode::kDisabled &&
                  o.tls_mode != mysql::TlsMode::kPreferred;
  c.tls.ca_file = o.tls_ca;
  c.tls.verify_server_cert = o.tls_mode == mysql::TlsMode::kVerifyCa ||
                             o.tls_mode == mysql::TlsMode::kVerifyIdentity;
  return c;
}

mysql::ReplicaOptions replica_options(const TailOptions& o,
                                      uint32_t server_id) {
  mysql::ReplicaOptions r;
  r.connection.host = o.host;
  r.connection.port = o.port;
  r.connection.user = o.user;
  r.connection.password = o.password;
  r.connection.tls_mode = o.tls_mode;
  r.connection.tls_ca_file = o.tls_ca;
  r.connection.server_public_key_file = o.server_public_key;
  r.connection.get_server_public_key = o.get_server_public_key;
  r.connection.interrupt = [] { return stop_requested(); };
  r.connection.connect_timeout = o.connect_timeout;
  r.connection.io_timeout = std::max(o.connect_timeout, 3 * o.heartbeat);
  r.server_id = server_id;
  r.heartbeat_period = o.heartbeat;
  return r;
}

int fail(const Error& e, int code) {
  log("%s", e.message.c_str());
  return code;
}

// Everything `tail` holds while it runs.
class Tail {
 public:
  explicit Tail(TailOptions options) : o_(std::move(options)) {}

  int run();

 private:
  Status connect_control();
  Result<mysql::StartPosition> start_position();
  int stream();

  TailOptions o_;
  mysql::ServerAddress address_;
  std::optional<mysql::ControlConnection> ctl_;
  mysql::ServerInfo info_;
  std::optional<mysql::ServerPosition> end_;
};

Status Tail::connect_control() {
  SLUICE_ASSIGN_OR_RETURN(
      mysql::ControlConnection c,
      mysql::ControlConnection::connect(address_, control_options(o_)));
  if (ctl_) {
    *ctl_ = std::move(c);  // the schema source keeps its reference
  } else {
    ctl_.emplace(std::move(c));
  }
  return {};
}

Result<mysql::StartPosition> Tail::start_position() {
  mysql::StartPosition start;
  if (o_.gtid) {
    start.use_gtid = true;
    start.gtid = *o_.gtid;
    return start;
  }
  if (!o_.file.empty()) {
    SLUICE_RETURN_IF_ERROR(ctl_->check_position_available(o_.file, o_.pos));
    start.file = o_.file;
    start.position = o_.pos;
    return start;
  }
  SLUICE_ASSIGN_OR_RETURN(const mysql::ServerPosition now,
                          ctl_->current_position());
  start.file = now.file;
  start.position = now.position;
  return start;
}

int Tail::run() {
  address_ = {o_.host, o_.port};
  if (auto s = connect_control(); !s) return fail(s.error(), 1);
  auto info = ctl_->server_info();
  if (!info) return fail(info.error(), 1);
  info_ = *info;
  if (auto s =
          check_server(*ctl_,
                       [](const char* severity, const std::string& message) {
                         log("%s: %s", severity, message.c_str());
                       });
      !s) {
    return fail(s.error(), 1);
  }
  if (o_.stop_at_end) {
    auto end = ctl_->current_position();
    if (!end) return fail(end.error(), 1);
    end_ = *end;
  }
  return stream();
}

int Tail::stream() {
  auto start = start_position();
  if (!start) return fail(start.error(), 1);
  auto filter = pipeline::TableFilter::create(o_.filter, o_.black_filter,
                                              "--filter", "--black-filter");
  if (!filter) return fail(filter.error(), 1);
  auto fields =
      pipeline::FieldFilter::parse(o_.field_filter, o_.black_field_filter,
                                   "--field-filter", "--black-field-filter");
  if (!fields) return fail(fields.error(), 1);
  const uint32_t server_id =
      o_.server_id ? *o_.server_id : derive_server_id(*ctl_, info_.server_id);

  schema::InformationSchemaSource information_schema(*ctl_);
  RenewingSchemaSource source(
      information_schema, [this] { return connect_control(); },
      [](const std::string& message) {
        log("control connection lost (%s); reconnecting it", message.c_str());
      });
  schema::SchemaCache cache(source);
  pipeline::TableResolver resolver(*filter, *fields, &cache);
  OutputBuffer out(STDOUT_FILENO);
  binlog::EventDecoder decoder;
  mysql::FilePosition pos;
  FlatPrinter printer(decoder, pos, out);
  TailHandler handler(decoder, resolver, printer);
  auto tracker =
      pipeline::ResumeTracker::create(handler, *start, info_.mariadb());
  if (!tracker) return fail(tracker.error(), 1);
  const mysql::ReplicaOptions ropts = replica_options(o_, server_id);

  Progress progress(o_.progress_every);
  milliseconds backoff = kFirstBackoff;
  bool first = true;
  const auto finish = [&](int code) {
    if (auto s = out.flush(); !s) {
      log("%s", s.error().message.c_str());
      return 2;
    }
    if (code == 0) {
      const mysql::StartPosition at = tracker->resume_point();
      std::string resume = at.use_gtid ? "--gtid '" + at.gtid + "'"
                                       : "--file " + at.file + " --pos " +
                                             std::to_string(at.position);
      if (tracker->emitted_in_transaction() > 0) {
        resume += " (the first " +
                  std::to_string(tracker->emitted_in_transaction()) +
                  " changes of the transaction there were printed already)";
      }
      log("stopped after %llu rows, %llu transactions; resume with %s",
          static_cast<unsigned long long>(tracker->rows_forwarded()),
          static_cast<unsigned long long>(tracker->transactions()),
          resume.c_str());
    }
    return code;
  };
  for (;;) {
    if (stop_requested()) return finish(0);
    if (end_ && !tracker->in_transaction()) {
      const mysql::StartPosition at = tracker->resume_point();
      if (!at.file.empty() && position_reached(at.file, at.position, *end_))
        return finish(0);
    }
    auto opened = mysql::ReplicaStream::open(ropts, tracker->resume_point());
    if (!opened) {
      if (opened.error().code == Errc::kCancelled) return finish(0);
      if (first || !retryable(opened.error())) {
        finish(1);
        return fail(opened.error(), first ? 1 : 2);
      }
      log("%s; retrying in %.2f s", opened.error().message.c_str(),
          static_cast<double>(backoff.count()) / 1000.0);
      if (auto s = out.flush(); !s) return fail(s.error(), 2);
      sleep_unless_stopped(backoff);
      backoff = std::min(backoff * 2, o_.max_backoff);
      continue;
    }
    mysql::ReplicaStream& stream = **opened;
    const mysql::StartPosition at = tracker->resume_point();
    const std::string where =
        at.use_gtid ? "GTID " + (at.gtid.empty() ? "(oldest)" : at.gtid)
                    : at.file + ":" + std::to_string(at.position);
    if (first) {
      log("streaming from %s (%s %s, server id %u%s)", where.c_str(),
          info_.mariadb() ? "MariaDB" : "MySQL",
          stream.server_version().c_str(), server_id,
          stream.tls_active() ? ", TLS" : "");
    } else {
      log("reconnected; resuming at %s", where.c_str());
      tracker->reconnected();
    }
    first = false;
    stream.set_interrupt(
        [&] { return stop_requested() && !tracker->in_transaction(); });
    // The backoff starts over once a transaction gets through: a connection
    // that breaks on the same event every time keeps backing off.
    const uint64_t transactions_at_open = tracker->transactions();
    for (;;) {
      auto ev = stream.next_event();
      if (!ev) {
        const Error& e = ev.error();
        if (e.code == Errc::kCancelled) return finish(0);
        if (!retryable(e)) {
          finish(2);
          return fail(e, 2);
        }
        log("%s; reconnecting", e.message.c_str());
        break;
      }
      if (ev->heartbeat) {
        if (auto s = out.flush(); !s) return fail(s.error(), 2);
        continue;
      }
      if (ev->file_changed) tracker->set_file(stream.file());
      const uint64_t end_pos = ev->header.log_pos;
      pos.file = stream.file();
      pos.end = end_pos;
      pos.offset = end_pos - std::min<uint64_t>(end_pos, ev->data.size());
      if (auto s = decoder.decode(ev->data, *tracker); !s) {
        Error e = with_context(
            s.error(), pos.file + ": offset " + std::to_string(pos.offset) +
                           ": " + binlog::event_type_name(ev->header.type) +
                           " event");
        // stdout refused a write: nothing to reconnect for.
        if (printer.output_failed() || !retryable(e)) {
          finish(2);
          return fail(e, 2);
        }
        // The control connection failed (schema query): renew it too.
        log("%s; reconnecting", e.message.c_str());
        if (auto c = connect_control(); !c)
          log("%s", c.error().message.c_str());
        break;
      }
      if (tracker->transactions() != transactions_at_open)
        backoff = kFirstBackoff;
      if (!stream.data_buffered()) {
        if (auto s = out.flush(); !s) return fail(s.error(), 2);
      }
      if (!tracker->in_transaction()) {
        if (stop_requested()) return finish(0);
        // Between transactions the stream's own position counts: the end
        // may lie past the last commit (a new file's FDE, GTID_LIST, ...).
        if (end_ && end_pos > 0 && position_reached(pos.file, end_pos, *end_)) {
          return finish(0);
        }
      }
      progress.maybe_report(*tracker);
    }
    stream.close();
    if (auto s = out.flush(); !s) return fail(s.error(), 2);
    sleep_unless_stopped(backoff);
    backoff = std::min(backoff * 2, o_.max_backoff);
  }
}

}  // namespace

int run_tail(std::span<const std::string> args) {
  auto options = parse_tail_options(args);
  if (!options) {
    log("%s", options.error().message.c_str());
    return 1;
  }
  if (options->help) {
    print_tail_help();
    return 0;
  }
  install_stop_handlers();
  Tail tail(std::move(*options));
  return tail.run();
}

}  // namespace sluice::app
