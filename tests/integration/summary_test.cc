// The business end to end (issue 6): MariaDB, the mock Kafka cluster, two
// `sluice run` nodes (active and standby) and the seed's consumer,
// examples/commission-summary, as separate processes. A writer runs mixed
// inserts, updates (also moving rows to another user and type) and deletes
// while the leader is killed three times at random moments and then frozen
// past its lock timeout. At the end commission_summary equals the GROUP BY
// of the source table exactly: nothing lost, nothing counted twice.
#include <signal.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "integration/child_process.h"
#include "integration/commission_writer.h"
#include "integration/run_support.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr const char* kPython = "/usr/bin/python3";

// Fails the test, naming the packages, when the consumer cannot run here.
void require_python_packages() {
  const pid_t pid =
      spawn({kPython, "-c", "import confluent_kafka, pymysql"}, {});
  const auto status = wait_for_exit(pid, 30s);
  if (!status || *status != 0) {
    FAIL(
        "examples/commission-summary needs Python 3 with confluent-kafka and "
        "PyMySQL: apt-get install python3-confluent-kafka python3-pymysql "
        "(scripts/test.sh installs them)");
  }
}

std::string rows_text(MariaDbServer& server, const std::string& sql) {
  std::string out;
  for (const auto& row : server.query(sql)) {
    for (const auto& v : row) out += (v ? *v : "NULL") + "\t";
    out += "\n";
  }
  return out;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

TEST_CASE("summary: exact after three kill -9 and a frozen leader",
          "[run][ha][summary]") {
  require_python_packages();
  const uint64_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  RunEnvironment env(ConfKeys{{"sluice.ha.lock.timeout.s", "3"},
                              {"sluice.ha.poll.ms", "200"},
                              {"sluice.batch.rows", "2000"}});
  MariaDbServer& db = env.server();
  Writer writer(db, seed, 1);

  ScratchDir scratch;
  const std::string consumer_log = scratch.path() + "/consumer.log";
  ChildProcess consumer(
      {kPython,
       SLUICE_SOURCE_DIR "/examples/commission-summary/summary_consumer.py",
       "--brokers", env.cluster().bootstrap(), "--mysql",
       "127.0.0.1:" + std::to_string(db.port()), "--user", "root",
       "--latency-column", "", "--report", "5"},
      SpawnOptions{.stdout_path = consumer_log,
                   .stderr_path = "",
                   .env = {"PYTHONUNBUFFERED=1"},
                   .die_with_parent = true});

  auto leader = env.start_run("streaming at");
  auto standby = env.start_run("standing by");

  std::atomic<bool> done{false};
  std::thread load([&] {
    while (!done) {
      writer.insert(50);
      writer.update_and_delete(20);
      writer.move_rows(10);
      std::this_thread::sleep_for(5ms);
    }
  });

  for (int kill = 0; kill < 3; ++kill) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500 + rng() % 2000));
    leader->signal(SIGKILL);
    (void)leader->wait(10s);
    const auto t0 = Clock::now();
    REQUIRE(standby->wait_for_err("streaming at", 30s));
    WARN("failover " << kill + 1 << " after kill -9: " << seconds_since(t0)
                     << " s");
    leader = std::move(standby);
    standby = env.start_run("standing by");
  }

  std::this_thread::sleep_for(std::chrono::milliseconds(500 + rng() % 2000));
  leader->signal(SIGSTOP);
  const auto t0 = Clock::now();
  const bool took_over = standby->wait_for_err("streaming at", 30s);
  WARN("failover after SIGSTOP: " << seconds_since(t0) << " s");
  std::this_thread::sleep_for(2s);  // frozen past the lock timeout
  leader->signal(SIGCONT);
  REQUIRE(took_over);
  REQUIRE(leader->wait_for_err("stepping down", 30s));

  std::this_thread::sleep_for(1s);
  done = true;
  load.join();
  REQUIRE(env.wait_caught_up(120s));

  const std::string expected = rows_text(
      db,
      "SELECT user_id, biz_type, SUM(amount), COUNT(*) FROM test.commission "
      "GROUP BY user_id, biz_type ORDER BY user_id, biz_type");
  const std::string summary_sql =
      "SELECT user_id, biz_type, total_amount, row_count FROM "
      "test.commission_summary ORDER BY user_id, biz_type";
  std::string summary;
  const auto until = Clock::now() + 60s;
  while (Clock::now() < until) {
    summary = rows_text(db, summary_sql);
    if (summary == expected) break;
    std::this_thread::sleep_for(250ms);
  }
  CHECK(!expected.empty());
  CHECK(summary == expected);

  // The woken node stood by and led no more.
  const std::string woken = leader->err();
  CHECK(woken.find("leading:", woken.find("stepping down")) ==
        std::string::npos);
  CHECK(exit_code(leader->stop(10s)) == 0);
  CHECK(exit_code(standby->stop(10s)) == 0);
  consumer.signal(SIGTERM);
  CHECK(consumer.wait(10s) == 0);
  const std::string report = read_file(consumer_log);
  CHECK(report.find("(final)") != std::string::npos);
  WARN(report.substr(report.rfind("summary_consumer:")));

  const PublishedCheck check = check_published(env.published(), env.decoded());
  WARN(check.accepted << " changes, " << check.duplicates
                      << " repeated positions");
}

}  // namespace
}  // namespace sluice::testing
