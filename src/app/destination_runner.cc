#include "app/destination_runner.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <thread>

#include "app/destination_setup.h"
#include "app/heap_tuning.h"
#include "app/publish_handler.h"
#include "app/replica_setup.h"
#include "binlog/event_decoder.h"
#include "binlog/event_type.h"
#include "codec/message_encoder.h"
#include "common/wall_clock.h"
#include "ha/leader_lock.h"
#include "kafka/checkpoint_reader.h"
#include "kafka/publisher.h"
#include "metrics/destination_stats.h"
#include "mysql/control_connection.h"
#include "mysql/replica_stream.h"
#include "pipeline/field_filter.h"
#include "pipeline/resume_tracker.h"
#include "pipeline/row_router.h"
#include "pipeline/table_filter.h"
#include "pipeline/table_resolver.h"
#include "schema/schema_cache.h"

namespace sluice::app {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kFirstBackoff{250};
constexpr milliseconds kMaxBackoff{30'000};
constexpr milliseconds kKafkaTimeout{30'000};
constexpr milliseconds kHeartbeat{5'000};
// Session::run's result when leadership ended: stand by again. Not an
// exit status (those are 0, 1 and 2).
constexpr int kSteppedDown = 3;

bool retryable(const Error& e) {
  return e.code == Errc::kIo || e.code == Errc::kTimeout;
}

// Sleeps for `d`, or less when a stop is requested meanwhile.
void pause(const RunControl& control, milliseconds d) {
  const auto until = Clock::now() + d;
  while (Clock::now() < until && !control.stop_requested())
    std::this_thread::sleep_for(std::min(d, milliseconds(50)));
}

// Runs `attempt` until it succeeds or fails for good, backing off from
// kFirstBackoff to kMaxBackoff between retryable failures. A stop request
// ends it with kCancelled, and `cut_short` (asked before each wait) with
// the error it returns.
template <class Attempt, class CutShort>
auto with_backoff(const RunControl& control, spdlog::logger& log,
                  std::string_view what, Attempt attempt, CutShort cut_short)
    -> decltype(attempt()) {
  milliseconds backoff = kFirstBackoff;
  for (;;) {
    auto r = attempt();
    if (r || !retryable(r.error())) return r;
    if (control.stop_requested())
      return make_error(Errc::kCancelled, "stopped");
    if (std::optional<Error> e = cut_short()) return tl::unexpected(*e);
    log.warn("{}: {}; retrying in {:.2f} s", what, r.error().message,
             static_cast<double>(backoff.count()) / 1000.0);
    pause(control, backoff);
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

}  // namespace

// Everything one run of the destination holds.
class DestinationRunner::Session {
 public:
  Session(DestinationRunner& r, ha::LeaderLock& leader)
      : r_(r),
        log_(*r.log_),
        leader_(leader),
        encoder_(value_format(r.server_)) {}

  int run();

 private:
  [[nodiscard]] bool stopping() const { return r_.control_.stop_requested(); }
  void sleep(milliseconds d) const { pause(r_.control_, d); }
  // Runs `attempt` until it succeeds, fails for good or a stop arrives.
  template <class T, class Attempt>
  Result<T> with_retries(const char* what, Attempt attempt);

  Status connect_control();
  Result<std::unique_ptr<kafka::Publisher>> connect_kafka();
  // (Re)starts the chain at the newest checkpoint.
  Status restart_at_checkpoint();
  kafka::Checkpoint checkpoint_now() const;
  int stream();
  int finish();
  // Ends the open batch at `at` (see Publisher::close_batch) and counts
  // what it committed.
  [[nodiscard]] Status close_batch(const kafka::Checkpoint& at,
                                   bool force = false);
  [[nodiscard]] int kafka_failed(const Error& e);
  // Gives up the open batch and everything queued: kSteppedDown.
  [[nodiscard]] int step_down(const std::string& why);
  [[nodiscard]] bool lost_leadership() const {
    return !leader_.leading() && !stopping();
  }
  // What ends a wait for the binlog: a stop request or the lease's end.
  [[nodiscard]] bool interrupted() const {
    return stopping() || !leader_.leading();
  }
  int fail(const std::string& message, int code) {
    log_.error("{}", message);
    return code;
  }
  // A step that failed for good: 0 after a stop request, standing by
  // when leadership ended meanwhile, else `code`.
  int gave_up(const Error& e, int code) {
    if (e.code == Errc::kCancelled) return 0;
    if (e.code == Errc::kNotLeader) return step_down(e.message);
    return fail(e.message, code);
  }
  void report_progress();

  DestinationRunner& r_;
  spdlog::logger& log_;
  ha::LeaderLock& leader_;
  std::optional<mysql::ControlConnection> ctl_;
  mysql::ServerInfo info_;
  uint32_t server_id_ = 0;
  std::optional<pipeline::TableFilter> filter_;
  std::optional<pipeline::FieldFilter> fields_;
  std::unique_ptr<schema::InformationSchemaSource> information_schema_;
  std::unique_ptr<RenewingSchemaSource> schema_source_;
  std::unique_ptr<schema::SchemaCache> schema_;
  std::unique_ptr<pipeline::TableResolver> resolver_;
  std::unique_ptr<pipeline::RowRouter> router_;
  codec::MessageEncoder encoder_;
  binlog::EventDecoder decoder_;
  mysql::FilePosition pos_;
  std::unique_ptr<PublishHandler> handler_;
  std::optional<pipeline::ResumeTracker> tracker_;
  std::unique_ptr<kafka::Publisher> publisher_;
  milliseconds kafka_backoff_ = kFirstBackoff;
  Clock::time_point last_report_ = Clock::now();
  uint64_t rows_at_report_ = 0;
  uint64_t rows_at_release_ = 0;  // rows_published() at the last heap release
  // tracker_->transactions() when stats last counted them.
  uint64_t transactions_counted_ = 0;
};

template <class T, class Attempt>
Result<T> DestinationRunner::Session::with_retries(const char* what,
                                                   Attempt attempt) {
  return with_backoff(
      r_.control_, log_, what, [&]() -> Result<T> { return attempt(); },
      [this]() -> std::optional<Error> {
        if (!lost_leadership()) return std::nullopt;
        return Error{Errc::kNotLeader, leader_.lost_reason()};
      });
}

Status DestinationRunner::Session::connect_control() {
  const config::InstanceConfig& in = r_.instance_;
  mysql::ControlConnectionOptions o;
  o.user = in.user;
  o.password = in.password;
  o.read_timeout_s = 30;
  o.write_timeout_s = 30;
  SLUICE_ASSIGN_OR_RETURN(
      mysql::ControlConnection c,
      mysql::ControlConnection::connect({in.master_host, in.master_port}, o));
  if (ctl_) {
    *ctl_ = std::move(c);  // the schema source keeps its reference
  } else {
    ctl_.emplace(std::move(c));
  }
  return {};
}

Result<std::unique_ptr<kafka::Publisher>>
DestinationRunner::Session::connect_kafka() {
  kafka::PublisherOptions o =
      publisher_options(r_.server_, r_.instance_.destination);
  o.producer.interrupt = r_.control_.out_of_time;
  o.leading = [this] { return leader_.leading(); };
  o.confirm_leading = [this] { return leader_.confirm(); };
  o.producer.log = [this](int level, std::string_view line) {
    if (level <= 3) {
      log_.error("{}", line);
    } else if (level <= 4) {
      log_.warn("{}", line);
    } else {
      log_.debug("{}", line);
    }
  };
  return kafka::Publisher::create(std::move(o), kKafkaTimeout);
}

Status DestinationRunner::Session::restart_at_checkpoint() {
  kafka::CheckpointSource src;
  for (const config::KafkaProperty& p : r_.server_.kafka)
    src.properties.emplace_back(p.name, p.value);
  src.topic = r_.server_.meta_topic;
  src.destination = r_.instance_.destination;
  src.interrupt = [this] { return stopping(); };
  SLUICE_ASSIGN_OR_RETURN(const std::optional<kafka::Checkpoint> cp,
                          kafka::read_checkpoint(src, kKafkaTimeout));
  SLUICE_ASSIGN_OR_RETURN(const StartChoice choice,
                          choose_start(r_.instance_, cp, *ctl_));
  log_.info("{}", choice.reason);
  const mysql::StartPosition& start = choice.start;
  SLUICE_ASSIGN_OR_RETURN(
      pipeline::ResumeTracker t,
      pipeline::ResumeTracker::create(*handler_, start, info_.mariadb()));
  tracker_.emplace(std::move(t));
  transactions_counted_ = 0;
  if (cp) tracker_->resume_after(cp->rows_in_txn, cp->txn_gtid);
  decoder_.forget_tables();
  return {};
}

kafka::Checkpoint DestinationRunner::Session::checkpoint_now() const {
  const mysql::StartPosition at = tracker_->resume_point();
  kafka::Checkpoint c;
  c.file = at.file;
  c.pos = at.position;
  c.gtid_set = at.use_gtid ? at.gtid : std::string();
  c.rows_in_txn = tracker_->emitted_in_transaction();
  c.txn_gtid = tracker_->emitted_gtid();
  c.server_id = info_.server_id;
  c.server_uuid = info_.server_uuid;
  c.ts_ms = wall_clock_ms();
  return c;
}

void DestinationRunner::Session::report_progress() {
  const auto now = Clock::now();
  if (r_.control_.progress_every.count() == 0 ||
      now - last_report_ < r_.control_.progress_every) {
    return;
  }
  const double secs = std::chrono::duration<double>(now - last_report_).count();
  const uint64_t rows = publisher_->rows_published();
  const int64_t lag = std::max<int64_t>(
      0, wall_clock_ms() / 1000 -
             static_cast<int64_t>(tracker_->last_event_time()));
  log_.info("{} rows published ({:.0f}/s), {} Kafka batches, at {}, lag {} s",
            rows, static_cast<double>(rows - rows_at_report_) / secs,
            publisher_->batches_committed(), tracker_->committed_text(),
            tracker_->last_event_time() == 0 ? 0 : lag);
  last_report_ = now;
  rows_at_report_ = rows;
}

int DestinationRunner::Session::finish() {
  if (publisher_ && tracker_) {
    const kafka::Checkpoint at = checkpoint_now();
    if (auto s = close_batch(at, true); !s) {
      log_.warn(
          "stopping without the last batch: {}; the next start "
          "resumes from the last committed checkpoint",
          s.error().message);
      (void)publisher_->abandon_batch();
    } else {
      log_.info("stopped; checkpoint at {}:{}{}", at.file, at.pos,
                at.rows_in_txn > 0
                    ? " +" + std::to_string(at.rows_in_txn) + " changes"
                    : std::string());
    }
  }
  return 0;
}

Status DestinationRunner::Session::close_batch(const kafka::Checkpoint& at,
                                               bool force) {
  const uint64_t rows = publisher_->rows_in_batch();
  const uint64_t batches = publisher_->batches_committed();
  const auto t0 = Clock::now();
  Status s = publisher_->close_batch(at, force);
  metrics::DestinationStats& st = r_.stats_;
  if (s && publisher_->batches_committed() != batches) {
    st.batch_committed(
        rows, std::chrono::duration<double>(Clock::now() - t0).count());
    st.set_position(at.file, at.pos);
    st.transactions.fetch_add(tracker_->transactions() - transactions_counted_,
                              std::memory_order_relaxed);
    transactions_counted_ = tracker_->transactions();
  }
  st.kafka_queued.store(publisher_->producer().in_flight(),
                        std::memory_order_relaxed);
  return s;
}

int DestinationRunner::Session::step_down(const std::string& why) {
  r_.stats_.step_downs.fetch_add(1, std::memory_order_relaxed);
  log_.warn(
      "stepping down: {}; giving up the open Kafka batch, standing by "
      "(the next leader resumes from the last committed checkpoint)",
      why);
  if (publisher_) (void)publisher_->abandon_batch();
  if (handler_) handler_->set_publisher(nullptr);
  publisher_.reset();  // drops whatever is still queued
  return kSteppedDown;
}

int DestinationRunner::Session::kafka_failed(const Error& e) {
  if (e.code == Errc::kNotLeader) return step_down(e.message);
  if (e.code == Errc::kCancelled || stopping()) return finish();
  if (!retryable(e)) {
    log_.error("{}", e.message);
    return 2;
  }
  log_.warn(
      "{}; giving up the open batch, resuming from the last "
      "checkpoint in {:.2f} s",
      e.message, static_cast<double>(kafka_backoff_.count()) / 1000.0);
  handler_->set_publisher(nullptr);
  publisher_.reset();
  sleep(kafka_backoff_);
  kafka_backoff_ = std::min(kafka_backoff_ * 2, kMaxBackoff);
  if (stopping()) return 0;
  auto p = with_retries<std::unique_ptr<kafka::Publisher>>(
      "connecting to Kafka", [this] { return connect_kafka(); });
  if (!p) {
    return gave_up(p.error(), 2);
  }
  publisher_ = std::move(*p);
  handler_->set_publisher(publisher_.get());
  auto s = with_retries<void>("reading the checkpoint",
                              [this] { return restart_at_checkpoint(); });
  if (!s) {
    return gave_up(s.error(), 2);
  }
  return -1;  // go on
}

int DestinationRunner::Session::run() {
  auto rules = destination_rules(r_.server_, r_.instance_);
  if (!rules) return fail(rules.error().message, 1);
  for (const std::string& w : rules->warnings) log_.warn("{}", w);
  filter_.emplace(std::move(rules->filter));
  fields_.emplace(std::move(rules->fields));
  pipeline::RoutingConfig routing = std::move(rules->routing);

  if (auto s = with_retries<void>("connecting to MySQL",
                                  [this] { return connect_control(); });
      !s) {
    return gave_up(s.error(), 1);
  }
  auto info = ctl_->server_info();
  if (!info) return fail(info.error().message, 1);
  info_ = *info;
  if (auto s = check_server(*ctl_,
                            [this](const char* severity, const std::string& m) {
                              log_.warn("{}: {}", severity, m);
                            });
      !s) {
    return fail(s.error().message, 1);
  }
  server_id_ = r_.instance_.slave_id != 0
                   ? r_.instance_.slave_id
                   : derive_server_id(*ctl_, info_.server_id);
  information_schema_ =
      std::make_unique<schema::InformationSchemaSource>(*ctl_);
  schema_source_ = std::make_unique<RenewingSchemaSource>(
      *information_schema_, [this] { return connect_control(); },
      [this](const std::string& why) {
        log_.warn("control connection lost ({}); reconnecting it", why);
      });
  schema_ = std::make_unique<schema::SchemaCache>(*schema_source_);
  resolver_ = std::make_unique<pipeline::TableResolver>(*filter_, *fields_,
                                                        schema_.get());
  router_ = std::make_unique<pipeline::RowRouter>(std::move(routing),
                                                  info_.mariadb());
  handler_ = std::make_unique<PublishHandler>(decoder_, *resolver_, *router_,
                                              encoder_, pos_);
  handler_->set_stats(&r_.stats_);

  auto p = with_retries<std::unique_ptr<kafka::Publisher>>(
      "connecting to Kafka", [this] { return connect_kafka(); });
  if (!p) {
    return gave_up(p.error(), 1);
  }
  publisher_ = std::move(*p);
  handler_->set_publisher(publisher_.get());
  if (auto s = check_topic_partitions(publisher_->producer(), r_.instance_,
                                      kKafkaTimeout);
      !s)
    return fail(s.error().message, 1);
  if (auto s = with_retries<void>("reading the checkpoint",
                                  [this] { return restart_at_checkpoint(); });
      !s) {
    return gave_up(s.error(), 1);
  }
  return stream();
}

int DestinationRunner::Session::stream() {
  const config::InstanceConfig& in = r_.instance_;
  mysql::ReplicaOptions ropts;
  ropts.connection.host = in.master_host;
  ropts.connection.port = in.master_port;
  ropts.connection.user = in.user;
  ropts.connection.password = in.password;
  ropts.connection.interrupt = [this] { return interrupted(); };
  ropts.connection.connect_timeout = milliseconds(5'000);
  ropts.connection.io_timeout = 3 * kHeartbeat;
  ropts.server_id = server_id_;
  ropts.heartbeat_period = kHeartbeat;

  milliseconds backoff = kFirstBackoff;
  bool reconnecting = false;
  for (;;) {
    if (stopping()) return finish();
    if (lost_leadership()) return step_down(leader_.lost_reason());
    auto opened = mysql::ReplicaStream::open(ropts, tracker_->resume_point());
    if (!opened) {
      const Error& e = opened.error();
      if (lost_leadership()) return step_down(leader_.lost_reason());
      if (e.code == Errc::kCancelled) return finish();
      if (!retryable(e)) return fail(e.message, 2);
      log_.warn("{}; retrying in {:.2f} s", e.message,
                static_cast<double>(backoff.count()) / 1000.0);
      sleep(backoff);
      backoff = std::min(backoff * 2, kMaxBackoff);
      continue;
    }
    mysql::ReplicaStream& stream = **opened;
    log_.info("{} at {} ({} {}, server id {}{})",
              reconnecting ? "reconnected; streaming" : "streaming",
              describe(tracker_->resume_point()),
              info_.mariadb() ? "MariaDB" : "MySQL", stream.server_version(),
              server_id_, stream.tls_active() ? ", TLS" : "");
    tracker_->reconnected();
    if (reconnecting)
      r_.stats_.reconnects.fetch_add(1, std::memory_order_relaxed);
    reconnecting = true;
    r_.stats_.publishing = true;
    stream.set_interrupt([this] { return interrupted(); });
    const uint64_t transactions_at_open = tracker_->transactions();
    bool redo = false;
    while (!redo) {
      auto ev = stream.next_event();
      if (!ev) {
        const Error& e = ev.error();
        if (lost_leadership()) return step_down(leader_.lost_reason());
        if (e.code == Errc::kCancelled) return finish();
        if (!retryable(e)) return fail(e.message, 2);
        log_.warn("{}; reconnecting", e.message);
        break;
      }
      // A heartbeat: the server is idle, so the open batch ends here even
      // when the last event arrived with more packets behind it.
      if (ev->heartbeat) {
        r_.stats_.last_event_ms.store(wall_clock_ms(),
                                      std::memory_order_relaxed);
        if (!tracker_->in_transaction()) {
          if (auto s = close_batch(checkpoint_now()); !s) {
            const int code = kafka_failed(s.error());
            if (code >= 0) return code;
            redo = true;
          }
        }
        // Idle for a heartbeat period after publishing: give back the
        // memory the busy time left behind.
        if (publisher_->rows_published() != rows_at_release_) {
          rows_at_release_ = publisher_->rows_published();
          release_freed_heap();
        }
        continue;
      }
      if (ev->file_changed) tracker_->set_file(stream.file());
      const uint64_t end_pos = ev->header.log_pos;
      pos_.file = stream.file();
      pos_.end = end_pos;
      pos_.offset = end_pos - std::min<uint64_t>(end_pos, ev->data.size());
      r_.stats_.binlog_bytes.fetch_add(ev->data.size(),
                                       std::memory_order_relaxed);
      // The stream's ROTATE and FORMAT_DESCRIPTION carry the file's age,
      // not a change's.
      const auto type = static_cast<binlog::EventType>(ev->header.type);
      if (ev->header.timestamp != 0 && type != binlog::EventType::kRotate &&
          type != binlog::EventType::kFormatDescription) {
        r_.stats_.last_event_ms.store(
            static_cast<int64_t>(ev->header.timestamp) * 1000,
            std::memory_order_relaxed);
      }
      if (auto s = decoder_.decode(ev->data, *tracker_); !s) {
        if (handler_->take_publish_failure()) {
          const int code = kafka_failed(s.error());
          if (code >= 0) return code;
          redo = true;
          break;
        }
        Error e = with_context(
            s.error(), pos_.file + ": offset " + std::to_string(pos_.offset) +
                           ": " + binlog::event_type_name(ev->header.type) +
                           " event");
        if (!retryable(e)) return fail(e.message, 2);
        log_.warn("{}; reconnecting", e.message);
        if (auto c = connect_control(); !c) log_.warn("{}", c.error().message);
        break;
      }
      if (tracker_->transactions() != transactions_at_open)
        backoff = kFirstBackoff;
      const bool boundary = !tracker_->in_transaction();
      if ((boundary && !stream.data_buffered()) || publisher_->batch_full()) {
        if (auto s = close_batch(checkpoint_now()); !s) {
          const int code = kafka_failed(s.error());
          if (code >= 0) return code;
          redo = true;
          break;
        }
        kafka_backoff_ = kFirstBackoff;
      }
      if (stopping()) return finish();
      report_progress();
    }
    stream.close();
    if (!redo) {
      sleep(backoff);
      backoff = std::min(backoff * 2, kMaxBackoff);
    }
  }
}

DestinationRunner::DestinationRunner(const config::ServerConfig& server,
                                     const config::InstanceConfig& instance,
                                     RunControl control,
                                     metrics::DestinationStats& stats)
    : server_(server),
      instance_(instance),
      control_(std::move(control)),
      stats_(stats) {
  log_ = std::make_shared<spdlog::logger>(
      instance.destination, std::make_shared<spdlog::sinks::stderr_sink_mt>());
  log_->set_pattern("%Y-%m-%d %H:%M:%S.%e %l [%n] %v");
}

DestinationRunner::~DestinationRunner() = default;

std::optional<int> DestinationRunner::stand_by(ha::LeaderLock& lock) {
  uint64_t announced_holder = 0;  // its MySQL connection id
  for (;;) {
    if (control_.stop_requested()) return 0;
    auto got = with_backoff(
        control_, *log_, "taking the leader lock " + lock.name(),
        [&] { return lock.try_acquire(); },
        [] { return std::optional<Error>(); });
    if (!got) {
      if (got.error().code == Errc::kCancelled) return 0;
      log_->error("cannot take the leader lock {}: {}", lock.name(),
                  got.error().message);
      return 1;
    }
    if (*got) {
      stats_.elections.fetch_add(1, std::memory_order_relaxed);
      stats_.leading = true;
      log_->info("leading: holds the lock {} on {}:{}", lock.name(),
                 instance_.master_host, instance_.master_port);
      return std::nullopt;
    }
    const ha::LockHolder& holder = lock.holder();
    if (holder.connection != 0 && holder.connection != announced_holder) {
      log_->info(
          "standing by: another sluice leads this destination (it holds {} "
          "on MySQL connection {}{}); trying every {} ms",
          lock.name(), holder.connection,
          holder.host.empty() ? std::string() : " from " + holder.host,
          server_.ha_poll.count());
      announced_holder = holder.connection;
    }
    pause(control_, server_.ha_poll);
  }
}

int DestinationRunner::run() {
  ha::LeaderLock lock(leader_lock_options(server_, instance_));
  for (;;) {
    if (const std::optional<int> code = stand_by(lock)) return *code;
    const int code = Session(*this, lock).run();
    stats_.publishing = false;
    stats_.leading = false;
    lock.release();
    if (code != kSteppedDown) return code;
  }
}

}  // namespace sluice::app
