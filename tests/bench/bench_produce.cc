// The Kafka side of G2 alone: sluice's Producer (the same librdkafka
// settings as `sluice run`: idempotent, acks=all, transactional, Nagle off,
// linger.ms=1) publishing --messages messages of --value-bytes bytes, keyed,
// spread over the 3 partitions of `commission`, in Kafka transactions of
// --batch messages (produce, wait for delivery, commit), as sluice's
// Publisher does. With --headers (the default) every message carries a
// sluice-pos and a sluice-gtid header of a realistic size. It prints the
// rate and the CPU this process spent per message: the floor under
// sluice's own catch-up rate and CPU per row, since every row change is one
// Kafka message. With --batch 1 it shows the cost of one Kafka transaction
// (G4's floor). The allocator keeps freed memory as in `sluice run`.
// Exits non-zero when the broker refuses.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "app/command_line.h"
#include "app/heap_tuning.h"
#include "kafka/producer.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Options {
  std::string brokers;
  unsigned long messages = 2'000'000;
  unsigned long value_bytes = 595;  // a canal flat JSON insert of the bench
  unsigned long batch = 50'000;     // sluice.batch.rows
  bool headers = true;
  std::vector<std::pair<std::string, std::string>> properties;
};

void print_help() {
  std::printf(
      "usage: bench_produce --brokers B [--messages N] [--value-bytes N]\n"
      "                     [--batch N] [--no-headers]\n"
      "                     [--set LIBRDKAFKA_PROPERTY=VALUE]...\n");
}

// Stores the value of `flag`, a positive number, in `target`; "" or what
// is wrong.
std::function<std::string(const std::string&)> positive(const std::string& flag,
                                                        unsigned long& target) {
  return [flag, &target](const std::string& text) {
    char* end = nullptr;
    const unsigned long v = std::strtoul(text.c_str(), &end, 10);
    if (end == text.c_str() || *end != '\0' || v == 0)
      return flag + " needs a positive number";
    target = v;
    return std::string();
  };
}

// The options, or the exit code when there is nothing to run.
std::variant<Options, int> parse(int argc, char** argv) {
  Options o;
  sluice::app::CommandLine cl("bench_produce", print_help);
  cl.text("--brokers", o.brokers);
  cl.value("--messages", positive("--messages", o.messages));
  cl.value("--value-bytes", positive("--value-bytes", o.value_bytes));
  cl.value("--batch", positive("--batch", o.batch));
  cl.flag("--no-headers", [&o] { o.headers = false; });
  cl.value("--set", [&o](const std::string& kv) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      return std::string("--set takes PROPERTY=VALUE");
    o.properties.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    return std::string();
  });
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (cl.parse(args) == sluice::app::CommandLine::Outcome::kExit)
    return cl.exit_code();
  if (o.brokers.empty()) return cl.usage("--brokers is required");
  return o;
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return s(u.ru_utime) + s(u.ru_stime);
}

int fail(const sluice::Error& e) {
  std::fprintf(stderr, "error: %s\n", e.message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const auto parsed = parse(argc, argv);
  if (const int* code = std::get_if<int>(&parsed)) return *code;
  const Options& o = std::get<Options>(parsed);
  sluice::app::keep_freed_heap(64ul << 20);
  sluice::kafka::ProducerOptions po;
  po.properties = {{"bootstrap.servers", o.brokers}, {"linger.ms", "1"}};
  po.properties.insert(po.properties.end(), o.properties.begin(),
                       o.properties.end());
  po.transactional_id = "bench-produce";
  // librdkafka's log (--set debug=eos,msg,... for a timeline), stamped
  // with microseconds since the start.
  const auto start = Clock::now();
  po.log = [start](int, std::string_view line) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
        Clock::now() - start);
    std::fprintf(stderr, "%10lld %.*s\n", static_cast<long long>(us.count()),
                 static_cast<int>(line.size()), line.data());
  };
  auto producer = sluice::kafka::Producer::create(std::move(po), 30s);
  if (!producer) return fail(producer.error());
  sluice::kafka::Producer& p = **producer;

  const std::string value(o.value_bytes, 'v');
  // As sluice writes them: file:end offset:index, and a MariaDB GTID.
  std::string position = "mariadb-bin.000001:115201357:";
  const size_t position_prefix = position.size();
  const std::string gtid = "0-3597940533-1234567";
  std::string key;
  const double cpu0 = cpu_seconds();
  const auto t0 = Clock::now();
  for (unsigned long sent = 0; sent < o.messages;) {
    if (auto s = p.begin(); !s) return fail(s.error());
    const unsigned long end = std::min(o.messages, sent + o.batch);
    for (; sent < end; ++sent) {
      key = std::to_string(sent);
      position.resize(position_prefix);
      position += std::to_string(sent % 1000);
      sluice::kafka::OutgoingMessage m;
      m.topic = "commission";
      m.partition = static_cast<int32_t>(sent % 3);
      m.key = key;
      m.has_key = true;
      m.value = value;
      if (o.headers) {
        m.position = position;
        m.gtid = gtid;
      }
      if (auto s = p.produce(m, "the bench message"); !s)
        return fail(s.error());
      if (sent % 1024 == 0) {
        if (auto s = p.poll(); !s) return fail(s.error());
      }
    }
    if (auto s = p.wait_delivered(60s); !s) return fail(s.error());
    if (auto s = p.commit(60s); !s) return fail(s.error());
  }
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  const double cpu = cpu_seconds() - cpu0;
  std::printf(
      "librdkafka alone, %lu messages of %lu bytes %s, %lu per Kafka "
      "transaction: %.1f s = %.0f msg/s, %.2f us CPU per message\n",
      o.messages, o.value_bytes,
      o.headers ? "with sluice-pos and sluice-gtid headers" : "without headers",
      o.batch, secs, static_cast<double>(o.messages) / secs,
      cpu * 1e6 / static_cast<double>(o.messages));
  return 0;
}
