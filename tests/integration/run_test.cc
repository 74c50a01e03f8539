// `sluice run` as an operator runs it (a child process reading a canal conf
// directory) against a real MariaDB server and librdkafka's mock Kafka
// cluster, under load and under faults: SIGTERM and restart, kill -9 at
// random moments, the broker away for 30 s, a 1,000,000-row transaction.
// Each ends with what a position-aware consumer sees: every change of the
// binlog exactly once, on canal's partition, in order per key
// (check_published), and repeats only as repeated positions.
#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <thread>
#include <tuple>

#include "integration/commission_writer.h"
#include "integration/run_support.h"
#include "sluice.pb.h"
#include "support/flat_json.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;

uint64_t test_seed() {
  if (const char* s = std::getenv("SLUICE_RANDOM_SEED")) return std::stoull(s);
  return std::random_device{}();
}

TEST_CASE("run: 200k changes through SIGTERM and three kill -9 restarts",
          "[run]") {
  const uint64_t seed = test_seed();
  INFO("SLUICE_RANDOM_SEED=" << seed);
  RunEnvironment env(ConfKeys{{"sluice.batch.rows", "5000"}});
  std::mt19937_64 rng(seed);
  Writer writer(env.server(), seed, 1);
  auto run = env.start_run("streaming at");
  // Five phases of load; after each but the last, a fault at a random
  // moment while the writer goes on.
  const char* faults[] = {"SIGTERM", "kill -9", "kill -9", "kill -9"};
  for (int phase = 0; phase < 5; ++phase) {
    std::thread load([&] {
      for (int i = 0; i < 300; ++i) writer.insert(100);
      for (int i = 0; i < 100; ++i) writer.update_and_delete(100);
    });
    if (phase < 4) {
      std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 3000));
      if (std::string(faults[phase]) == "SIGTERM") {
        const auto t0 = std::chrono::steady_clock::now();
        const auto status = run->stop(10s);
        const auto took = std::chrono::steady_clock::now() - t0;
        CHECK(exit_code(status) == 0);
        CHECK(took < 5s);
        CHECK(run->err().find("stopped; checkpoint at") != std::string::npos);
      } else {
        run->signal(SIGKILL);
        (void)run->wait(10s);
      }
      run = env.start_run("resuming from the checkpoint");
    }
    load.join();
  }
  REQUIRE(env.wait_caught_up(120s));
  CHECK(exit_code(run->stop(10s)) == 0);
  const PublishedCheck check = check_published(env.published(), env.decoded());
  CHECK(check.accepted >= 200'000);
  WARN("200k run: " << check.accepted << " changes, " << check.duplicates
                    << " repeated positions after the restarts");
}

TEST_CASE("run: idempotent mode repeats only positions after kill -9",
          "[run]") {
  RunEnvironment env(ConfKeys{{"canal.mq.transaction", "false"}});
  Writer writer(env.server(), 7, 1);
  auto run = env.start_run("streaming at");
  std::thread load([&] {
    for (int i = 0; i < 200; ++i) writer.insert(100);
    for (int i = 0; i < 50; ++i) writer.update_and_delete(50);
  });
  std::this_thread::sleep_for(1500ms);
  run->signal(SIGKILL);
  (void)run->wait(10s);
  run = env.start_run("resuming from the checkpoint");
  load.join();
  REQUIRE(env.wait_caught_up(120s));
  CHECK(exit_code(run->stop(10s)) == 0);
  const auto check = check_published(env.published(), env.decoded());
  CHECK(check.accepted >= 20'000);
}

TEST_CASE("run: the broker away for 30 s under load loses nothing",
          "[run][slow]") {
  RunEnvironment env;
  Writer writer(env.server(), 11, 1);
  auto run = env.start_run("streaming at");
  for (int i = 0; i < 50; ++i) writer.insert(100);
  REQUIRE(env.cluster().set_down(true));
  const auto down_until = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < down_until) {
    writer.insert(100);
    writer.update_and_delete(20);
    std::this_thread::sleep_for(100ms);
  }
  REQUIRE(env.cluster().set_down(false));
  for (int i = 0; i < 50; ++i) writer.insert(100);
  REQUIRE(env.wait_caught_up(120s));
  CHECK(exit_code(run->stop(10s)) == 0);
  const auto check = check_published(env.published(), env.decoded());
  CHECK(check.accepted >= 10'000);
}

TEST_CASE("run: a 1,000,000-row transaction in bounded memory", "[run][slow]") {
  RunEnvironment env;
  auto run = env.start_run("streaming at");
  env.server().execute(
      "INSERT INTO test.commission (id, user_id, biz_type, amount, note, "
      "created) SELECT seq, seq % 1000, 'order', seq / 100, NULL, "
      "'2026-11-29 12:00:00.000' FROM test.seq_1_to_1000000");
  // A kill in the middle: the checkpoint inside the transaction makes the
  // restart pass over what was published already.
  REQUIRE(run->wait_for_err("Kafka batches", 60s, 3));
  run->signal(SIGKILL);
  (void)run->wait(10s);
  run = env.start_run("resuming from the checkpoint");
  REQUIRE(env.wait_caught_up(300s));
  const uint64_t peak_kib = run->peak_rss_kib();
  CHECK(exit_code(run->stop(10s)) == 0);
  CHECK(peak_kib < 256 * 1024);
  const auto records = env.published();
  std::vector<bool> seen(1'000'001, false);
  size_t distinct = 0;
  for (const auto& r : records) {
    REQUIRE(r.key);
    const size_t id = std::stoul(*r.key);
    REQUIRE(id <= 1'000'000);
    CHECK(r.partition == canal_partition_of_id(*r.key));
    if (!seen[id]) ++distinct;
    seen[id] = true;
  }
  CHECK(distinct == 1'000'000);
  WARN("1M-row transaction: " << records.size() << " records, peak RSS "
                              << peak_kib / 1024 << " MiB after restart");
}

// canal's text for the sluice Cell of a test.commission column, to compare
// with the FlatMessage `sluice decode` prints for the same change.
std::optional<std::string> canal_text(const sluice::v1::Cell& c) {
  using Cell = sluice::v1::Cell;
  switch (c.value_case()) {
    case Cell::kNull:
      return std::nullopt;
    case Cell::kIntValue:
      return std::to_string(c.int_value());
    case Cell::kDecimal:
      return c.decimal();
    case Cell::kText:
      return c.text();
    case Cell::kDatetime: {
      const auto& t = c.datetime();
      char buf[32];
      std::snprintf(buf, sizeof buf, "%04u-%02u-%02u %02u:%02u:%02u.%03u",
                    t.year(), t.month(), t.day(), t.hour(), t.minute(),
                    t.second(), t.micros() / 1000);
      return std::string(buf);
    }
    default:
      FAIL("column " << c.name() << ": unexpected value case "
                     << static_cast<int>(c.value_case()));
      return std::nullopt;
  }
}

FlatRow canal_row(
    const google::protobuf::RepeatedPtrField<sluice::v1::Cell>& cells) {
  FlatRow row;
  for (const auto& c : cells) row[c.name()] = canal_text(c);
  return row;
}

TEST_CASE("run: sluice.mq.format=sluice publishes typed, positioned changes",
          "[run]") {
  RunEnvironment env(ConfKeys{{"sluice.mq.format", "sluice"}});
  Writer writer(env.server(), 5, 1);
  auto run = env.start_run("streaming at");
  for (int i = 0; i < 20; ++i) writer.insert(50);
  for (int i = 0; i < 10; ++i) writer.update_and_delete(20);
  REQUIRE(env.wait_caught_up(60s));
  CHECK(exit_code(run->stop(10s)) == 0);

  std::vector<FlatLine> expected;
  for (FlatLine& l : parse_flat_lines(env.decoded())) {
    if (l.table == "commission") expected.push_back(std::move(l));
  }
  const auto records = env.published();
  REQUIRE(records.size() == expected.size());
  REQUIRE(records.size() >= 1000);
  // In binlog order: by the position each Change carries.
  struct Published {
    sluice::v1::Change change;
    const test::KafkaRecord* record;
  };
  std::vector<Published> ordered;
  for (const auto& r : records) {
    sluice::v1::Change c;
    INFO("partition " << r.partition << " offset " << r.offset);
    REQUIRE(c.ParseFromString(r.value));
    ordered.push_back({std::move(c), &r});
  }
  const auto key = [](const Published& x) {
    const auto& p = x.change.position();
    return std::make_tuple(p.file(), p.offset(), p.index());
  };
  std::sort(
      ordered.begin(), ordered.end(),
      [&](const Published& a, const Published& b) { return key(a) < key(b); });
  for (size_t i = 0; i < ordered.size(); ++i) {
    const test::KafkaRecord& r = *ordered[i].record;
    const sluice::v1::Change& c = ordered[i].change;
    const FlatLine& want = expected[i];
    INFO("change " << i << " at " << r.header("sluice-pos"));
    const auto& p = c.position();
    CHECK(p.file() + ":" + std::to_string(p.offset()) + ":" +
              std::to_string(p.index()) ==
          r.header("sluice-pos"));
    CHECK(p.gtid() == r.header("sluice-gtid"));
    CHECK(p.server_id() != 0);
    CHECK(c.schema() == "test");
    CHECK(c.table() == "commission");
    REQUIRE(c.primary_key_size() == 1);
    CHECK(c.primary_key(0) == "id");
    CHECK(sluice::v1::Kind_Name(c.kind()) == want.type);
    REQUIRE(want.data.size() == 1);
    const auto& image = c.kind() == sluice::v1::DELETE ? c.before() : c.after();
    REQUIRE(image.size() == 6);
    CHECK(image[0].name() == "id");
    REQUIRE(r.key);
    CHECK(canal_text(image[0]) == *r.key);
    CHECK(r.partition == canal_partition_of_id(*r.key));
    CHECK(canal_row(image) == want.data[0]);
    if (c.kind() == sluice::v1::UPDATE) {
      const FlatRow before = canal_row(c.before());
      REQUIRE(want.old.size() == 1);
      for (const auto& [name, value] : before) {
        const auto changed = want.old[0].find(name);
        INFO("column " << name);
        CHECK(value == (changed != want.old[0].end() ? changed->second
                                                     : want.data[0].at(name)));
      }
    }
  }
}
}  // namespace
}  // namespace sluice::testing
