// G3 and G4 of issue 5: a paced writer of N-row INSERT transactions into
// test.commission (one libmariadb connection, autocommit) and readers of
// what `sluice run` publishes, in one process and on one clock. For every
// transaction it measures the time from the client's COMMIT returning to
// the transaction becoming visible:
//   --visible rows        its last row is readable in topic `commission`
//                         (non-transactional mode: the rows' delivery)
//   --visible checkpoint  also a checkpoint record covering it is readable
//                         in `__sluice_positions` (transactional mode: the
//                         checkpoint is the last record of the Kafka
//                         transaction, written right before its commit)
// and prints the throughput and the latency percentiles. librdkafka's mock
// cluster holds an empty fetch for the whole fetch.wait.max.ms, so the
// figures include up to --fetch-wait-ms of reader delay; `--probe` measures
// that floor alone (a producer in this process, no MySQL, no sluice).
// Prints figures; exits non-zero only when a transaction never arrives.
#include <mysql.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "kafka/topic_reader.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Options {
  std::string host = "127.0.0.1";
  unsigned port = 3306;
  std::string user = "root";
  std::string brokers;
  double rate = 4000;  // transactions per second
  int rows = 1;        // rows per transaction
  double seconds = 30;
  bool checkpoint = false;
  int fetch_wait_ms = 1;
  bool probe = false;
  std::string label;
};

[[noreturn]] void usage(const char* why) {
  if (why != nullptr) std::fprintf(stderr, "error: %s\n", why);
  std::fprintf(stderr,
               "usage: bench_live --mysql HOST:PORT --user U --brokers B\n"
               "                  [--rate TXN_PER_S] [--rows N] [--seconds S]\n"
               "                  [--visible rows|checkpoint] [--fetch-wait-ms "
               "MS] [--label TEXT]\n"
               "       bench_live --probe --brokers B [--rate MSG_PER_S] "
               "[--seconds S]\n"
               "The MySQL password comes from SLUICE_PASSWORD.\n");
  std::exit(2);
}

double number(const char* flag, const char* text) {
  char* end = nullptr;
  const double v = std::strtod(text, &end);
  if (end == text || *end != '\0' || !(v > 0))
    usage((std::string(flag) + " needs a positive number").c_str());
  return v;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--probe") {
      o.probe = true;
      continue;
    }
    if (i + 1 >= argc) usage(("missing value after " + std::string(a)).c_str());
    const char* v = argv[++i];
    if (a == "--mysql") {
      const std::string_view hp = v;
      const size_t colon = hp.rfind(':');
      if (colon == std::string_view::npos) usage("--mysql takes HOST:PORT");
      o.host = std::string(hp.substr(0, colon));
      o.port = static_cast<unsigned>(number("--mysql", v + colon + 1));
    } else if (a == "--user") {
      o.user = v;
    } else if (a == "--brokers") {
      o.brokers = v;
    } else if (a == "--rate") {
      o.rate = number("--rate", v);
    } else if (a == "--rows") {
      o.rows = static_cast<int>(number("--rows", v));
    } else if (a == "--seconds") {
      o.seconds = number("--seconds", v);
    } else if (a == "--fetch-wait-ms") {
      o.fetch_wait_ms = static_cast<int>(number("--fetch-wait-ms", v));
    } else if (a == "--visible") {
      if (std::string_view(v) != "rows" && std::string_view(v) != "checkpoint")
        usage("--visible takes rows or checkpoint");
      o.checkpoint = std::string_view(v) == "checkpoint";
    } else if (a == "--label") {
      o.label = v;
    } else {
      usage(("unknown option " + std::string(a)).c_str());
    }
  }
  if (o.brokers.empty()) usage("--brokers is required");
  return o;
}

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// A binlog position as the headers and checkpoints write it.
struct Pos {
  std::string file;
  uint64_t offset = 0;
  auto operator<=>(const Pos&) const = default;
};

// `"key":value` of a checkpoint's JSON (a string or a number).
std::string_view json_field(std::string_view json, std::string_view key) {
  const std::string quoted = "\"" + std::string(key) + "\":";
  const size_t at = json.find(quoted);
  if (at == std::string_view::npos) return {};
  std::string_view rest = json.substr(at + quoted.size());
  if (!rest.empty() && rest[0] == '"') {
    rest.remove_prefix(1);
    return rest.substr(0, rest.find('"'));
  }
  return rest.substr(0, rest.find_first_of(",}"));
}

uint64_t to_u64(std::string_view s) {
  uint64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// What the readers have seen, per transaction.
class Tracker {
 public:
  Tracker(size_t txns, int rows, bool checkpoint)
      : rows_(rows),
        checkpoint_(checkpoint),
        seen_(txns),
        last_pos_(txns),
        visible_(txns) {}

  void on_row(size_t txn, const Pos& pos) {
    std::lock_guard lock(mu_);
    if (txn >= seen_.size() || ++seen_[txn] != rows_) return;
    last_pos_[txn] = pos;
    if (!checkpoint_ || pos <= covered_) {
      mark(txn);
    } else {
      pending_.push_back(txn);
    }
  }

  void on_checkpoint(const Pos& pos) {
    std::lock_guard lock(mu_);
    if (pos > covered_) covered_ = pos;
    auto keep = pending_.begin();
    for (size_t txn : pending_) {
      if (last_pos_[txn] <= covered_) {
        mark(txn);
      } else {
        *keep++ = txn;
      }
    }
    pending_.erase(keep, pending_.end());
  }

  [[nodiscard]] size_t visible_count() const { return count_.load(); }
  [[nodiscard]] std::vector<Clock::time_point> visible() const {
    std::lock_guard lock(mu_);
    return visible_;
  }

 private:
  void mark(size_t txn) {
    visible_[txn] = Clock::now();
    ++count_;
  }

  mutable std::mutex mu_;
  const int rows_;
  const bool checkpoint_;
  std::vector<int> seen_;
  std::vector<Pos> last_pos_;
  std::vector<Clock::time_point> visible_;
  std::vector<size_t> pending_;
  Pos covered_;
  std::atomic<size_t> count_{0};
};

std::unique_ptr<sluice::kafka::TopicReader> open_reader(const Options& o,
                                                        const char* topic) {
  sluice::kafka::TopicReader::Options ro;
  ro.properties = {{"bootstrap.servers", o.brokers}};
  ro.topic = topic;
  ro.from_beginning = false;
  ro.read_committed = false;
  ro.fetch_wait_ms = o.fetch_wait_ms;
  auto r = sluice::kafka::TopicReader::open(ro, 10s);
  if (!r) {
    std::fprintf(stderr, "error: reading topic %s: %s\n", topic,
                 r.error().message.c_str());
    std::exit(1);
  }
  return std::move(*r);
}

// Reads `topic` until `stop`, handing each record to `handle`.
template <class Handle>
std::thread read_topic(std::unique_ptr<sluice::kafka::TopicReader> reader,
                       const std::atomic<bool>& stop, Handle handle) {
  return std::thread([reader = std::move(reader), &stop, handle]() mutable {
    while (!stop.load()) {
      auto r = reader->next(100ms);
      if (!r) {
        std::fprintf(stderr, "error: %s\n", r.error().message.c_str());
        std::exit(1);
      }
      if (*r) handle(**r);
    }
  });
}

struct Percentiles {
  double p50, p99, p999, max;
};

Percentiles percentiles(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const auto at = [&](double q) {
    return v[std::min(v.size() - 1,
                      static_cast<size_t>(q * static_cast<double>(v.size())))];
  };
  return {at(0.50), at(0.99), at(0.999), v.back()};
}

// One autocommit libmariadb connection; any failure ends the program.
class Writer {
 public:
  explicit Writer(const Options& o)
      : handle_(mysql_init(nullptr), mysql_close) {
    const char* password = std::getenv("SLUICE_PASSWORD");
    if (mysql_real_connect(mysql(), o.host.c_str(), o.user.c_str(), password,
                           nullptr, o.port, nullptr, 0) == nullptr) {
      fail("connecting to MySQL");
    }
  }

  void run(const std::string& sql, const char* what) {
    if (mysql_real_query(mysql(), sql.data(), sql.size()) != 0) fail(what);
    if (MYSQL_RES* res = mysql_store_result(mysql())) mysql_free_result(res);
  }

  uint64_t max_id() {
    const std::string_view sql =
        "SELECT COALESCE(MAX(id), 0) FROM test.commission";
    if (mysql_real_query(mysql(), sql.data(), sql.size()) != 0)
      fail("reading MAX(id)");
    MYSQL_RES* res = mysql_store_result(mysql());
    const MYSQL_ROW row = res ? mysql_fetch_row(res) : nullptr;
    const uint64_t v = row && row[0] ? std::strtoull(row[0], nullptr, 10) : 0;
    if (res) mysql_free_result(res);
    return v;
  }

 private:
  MYSQL* mysql() { return handle_.get(); }
  [[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "error: %s: %s\n", what, mysql_error(mysql()));
    std::exit(1);
  }
  std::unique_ptr<MYSQL, decltype(&mysql_close)> handle_;
};

void append_row(std::string& sql, uint64_t id) {
  char buf[160];
  const int n =
      std::snprintf(buf, sizeof buf,
                    "(%llu,%llu,'ORDER',%llu.%02llu,0,'live %llu','2026-12-01 "
                    "00:00:00.%03llu')",
                    static_cast<unsigned long long>(id),
                    static_cast<unsigned long long>(id * 7919 % 200000 + 1),
                    static_cast<unsigned long long>(id % 1000),
                    static_cast<unsigned long long>(id % 100),
                    static_cast<unsigned long long>(id),
                    static_cast<unsigned long long>(id % 1000));
  sql.append(buf, static_cast<size_t>(n));
}

int live(const Options& o) {
  Writer writer(o);
  const uint64_t first_id = writer.max_id() + 1;
  const auto txns = static_cast<size_t>(o.rate * o.seconds);
  Tracker tracker(txns, o.rows, o.checkpoint);
  std::atomic<bool> stop{false};
  std::vector<std::thread> readers;
  readers.push_back(read_topic(
      open_reader(o, "commission"), stop,
      [&](const sluice::kafka::TopicRecord& r) {
        if (!r.key) return;
        const uint64_t id = to_u64(*r.key);
        if (id < first_id) return;
        const std::string_view pos = r.header("sluice-pos");
        const size_t b = pos.rfind(':');
        const size_t a = pos.rfind(':', b - 1);
        tracker.on_row(static_cast<size_t>((id - first_id) /
                                           static_cast<uint64_t>(o.rows)),
                       {std::string(pos.substr(0, a)),
                        to_u64(pos.substr(a + 1, b - a - 1))});
      }));
  if (o.checkpoint) {
    readers.push_back(read_topic(
        open_reader(o, "__sluice_positions"), stop,
        [&](const sluice::kafka::TopicRecord& r) {
          tracker.on_checkpoint({std::string(json_field(r.value, "file")),
                                 to_u64(json_field(r.value, "pos"))});
        }));
  }
  // Readers start at the partitions' end: let them get there first.
  std::this_thread::sleep_for(1s);

  std::vector<Clock::time_point> committed(txns);
  std::string sql;
  const auto start = Clock::now();
  const auto interval = std::chrono::duration<double>(1.0 / o.rate);
  for (size_t t = 0; t < txns; ++t) {
    const auto due = start + std::chrono::duration_cast<Clock::duration>(
                                 interval * static_cast<double>(t));
    std::this_thread::sleep_until(due);
    sql =
        "INSERT INTO test.commission (id, user_id, biz_type, amount, "
        "status, remark, created_at) VALUES ";
    for (int r = 0; r < o.rows; ++r) {
      if (r != 0) sql.push_back(',');
      append_row(sql, first_id + t * static_cast<uint64_t>(o.rows) +
                          static_cast<uint64_t>(r));
    }
    writer.run(sql, "INSERT");
    committed[t] = Clock::now();
  }
  const auto written = Clock::now();
  const auto deadline = written + 30s;
  while (tracker.visible_count() < txns && Clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  stop = true;
  for (auto& t : readers) t.join();

  const auto visible = tracker.visible();
  std::vector<double> lat;
  Clock::time_point last{};
  for (size_t t = 0; t < txns; ++t) {
    if (visible[t] == Clock::time_point{}) continue;
    lat.push_back(std::max(0.0, ms(visible[t] - committed[t])));
    last = std::max(last, visible[t]);
  }
  const double write_s = ms(written - start) / 1000;
  const double total_rows = static_cast<double>(txns) * o.rows;
  std::printf(
      "%s: %zu txns of %d rows in %.1f s, written at %.0f rows/s (%.0f "
      "txn/s)\n",
      o.label.c_str(), txns, o.rows, write_s, total_rows / write_s,
      static_cast<double>(txns) / write_s);
  if (lat.size() != txns) {
    std::printf("%s: %zu of %zu transactions never became visible\n",
                o.label.c_str(), txns - lat.size(), txns);
    return 1;
  }
  const Percentiles p = percentiles(lat);
  std::printf(
      "%s: published %.0f rows/s; commit->visible p50 %.2f ms, p99 %.2f ms, "
      "p99.9 %.2f ms, max %.2f ms\n",
      o.label.c_str(), total_rows / (ms(last - start) / 1000), p.p50, p.p99,
      p.p999, p.max);
  return 0;
}

// The floor of the Kafka path alone: a producer in this process writes one
// record at a time to `commission`, lingering 1 ms as sluice's
// non-transactional mode does (with 0 the mock cluster falls behind at
// 4,000 requests/s); each is timed from its produce call to its arrival at
// the reader.
int probe(const Options& o) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", o.brokers.c_str(), err,
                    sizeof err);
  rd_kafka_conf_set(conf, "linger.ms", "1", err, sizeof err);
  rd_kafka_conf_set(conf, "socket.nagle.disable", "true", err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk == nullptr) {
    std::fprintf(stderr, "error: producer: %s\n", err);
    return 1;
  }
  rd_kafka_topic_t* topic = rd_kafka_topic_new(rk, "commission", nullptr);
  const auto n = static_cast<size_t>(o.rate * o.seconds);
  std::vector<Clock::time_point> sent(n), seen(n);
  std::atomic<size_t> arrived{0};
  std::atomic<bool> warm{false};
  std::atomic<bool> stop{false};
  auto reader = read_topic(open_reader(o, "commission"), stop,
                           [&](const sluice::kafka::TopicRecord& r) {
                             if (!r.key) return;
                             if (*r.key == "warm-up") warm = true;
                             if (r.key->rfind("probe-", 0) != 0) return;
                             const size_t i =
                                 to_u64(std::string_view(*r.key).substr(6));
                             if (i < n) seen[i] = Clock::now();
                             ++arrived;
                           });
  // Timing starts once a first record has gone all the way: the producer
  // has its metadata and connection, the reader its assignment.
  const auto warm_until = Clock::now() + 30s;
  while (!warm.load() && Clock::now() < warm_until) {
    char value[] = "x";
    (void)rd_kafka_produce(topic, 0, RD_KAFKA_MSG_F_COPY, value, 1, "warm-up",
                           7, nullptr);
    rd_kafka_poll(rk, 100);
  }
  const auto start = Clock::now();
  for (size_t i = 0; i < n; ++i) {
    std::this_thread::sleep_until(
        start +
        std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(static_cast<double>(i) / o.rate)));
    const std::string key = "probe-" + std::to_string(i);
    sent[i] = Clock::now();
    char value[] = "x";
    if (rd_kafka_produce(topic, 0, RD_KAFKA_MSG_F_COPY, value, 1, key.data(),
                         key.size(), nullptr) != 0) {
      std::fprintf(stderr, "error: produce: %s\n",
                   rd_kafka_err2str(rd_kafka_last_error()));
      return 1;
    }
    rd_kafka_poll(rk, 0);  // serve delivery reports
  }
  (void)rd_kafka_flush(rk, 10'000);
  const auto deadline = Clock::now() + 10s;
  while (arrived.load() < n && Clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  stop = true;
  reader.join();
  rd_kafka_topic_destroy(topic);
  rd_kafka_destroy(rk);
  std::vector<double> lat;
  for (size_t i = 0; i < n; ++i)
    if (seen[i] != Clock::time_point{})
      lat.push_back(std::max(0.0, ms(seen[i] - sent[i])));
  if (lat.empty()) {
    std::printf("probe: no record arrived\n");
    return 1;
  }
  const Percentiles p = percentiles(lat);
  std::printf(
      "produce->readable through the broker alone (linger.ms=1, "
      "fetch.wait.max.ms=%d): "
      "p50 %.2f ms, p99 %.2f ms, max %.2f ms (%zu records)\n",
      o.fetch_wait_ms, p.p50, p.p99, p.max, lat.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  return o.probe ? probe(o) : live(o);
}
