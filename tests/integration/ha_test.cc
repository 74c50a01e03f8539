// Active/standby `sluice run` (DESIGN §5): two processes on the same canal
// conf, a real MariaDB server and librdkafka's mock Kafka cluster, under
// load. The leader is killed (kill -9), then the new leader is frozen
// (SIGSTOP) for longer than the lock timeout, as a dead host would be, and
// woken again. The standby takes over each time; the woken node steps
// down and stands by instead of publishing; and what a position-aware
// consumer sees is every change of the binlog exactly once, on canal's
// partition, in order (check_published). The mock cluster does not fence a
// second producer with the same transactional.id, so sluice's own lock
// check is what is tested here.
#include <signal.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include "integration/commission_writer.h"
#include "integration/run_support.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

size_t count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos;
       at = text.find(part, at + part.size()))
    ++n;
  return n;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

TEST_CASE("ha: the standby takes over from a killed and a frozen leader",
          "[run][ha]") {
  RunEnvironment env(ConfKeys{{"sluice.ha.lock.timeout.s", "3"},
                              {"sluice.ha.poll.ms", "200"},
                              {"sluice.batch.rows", "2000"}});
  Writer writer(env.server(), 5, 1);
  auto first = env.start_run("streaming at");
  auto second = env.start_run("standing by");
  CHECK(second->err().find("streaming at") == std::string::npos);
  // The holder's client address, as the server names it (localhost:port).
  CHECK(second->err().find("on MySQL connection ") != std::string::npos);
  CHECK(second->err().find(" from localhost:") != std::string::npos);
  {
    SluiceProcess check({"check", "--conf", env.conf_dir()}, {});
    REQUIRE(check.wait(60s));
    INFO(check.out());
    CHECK(check.out().find("the leader lock sluice.test is held by MySQL "
                           "connection") != std::string::npos);
  }

  std::atomic<bool> done{false};
  std::thread load([&] {
    while (!done) {
      writer.insert(50);
      writer.update_and_delete(20);
      std::this_thread::sleep_for(5ms);
    }
  });

  // The leader's process dies: its session ends and the lock with it.
  std::this_thread::sleep_for(1500ms);
  first->signal(SIGKILL);
  (void)first->wait(10s);
  auto t0 = Clock::now();
  REQUIRE(second->wait_for_err("streaming at", 30s));
  WARN("failover after kill -9: " << seconds_since(t0) << " s");
  first = env.start_run("standing by");

  // The new leader freezes past the lock timeout: the server frees the
  // lock of its silent session and the standby takes over.
  std::this_thread::sleep_for(1500ms);
  second->signal(SIGSTOP);
  t0 = Clock::now();
  const bool took_over = first->wait_for_err("streaming at", 30s);
  WARN("failover after SIGSTOP: " << seconds_since(t0) << " s");
  second->signal(SIGCONT);
  REQUIRE(took_over);
  // Woken, it must notice that its lease ran out and stand by.
  REQUIRE(second->wait_for_err("stepping down", 30s));
  REQUIRE(second->wait_for_err("standing by", 30s, 2));

  std::this_thread::sleep_for(1500ms);
  done = true;
  load.join();
  REQUIRE(env.wait_caught_up(120s));
  // The standby first, or it would take over from the stopping leader.
  CHECK(exit_code(second->stop(10s)) == 0);
  CHECK(exit_code(first->stop(10s)) == 0);

  // After stepping down the woken node never led again.
  const std::string woken = second->err();
  const std::string tail = woken.substr(woken.find("stepping down"));
  CHECK(count(tail, "leading:") == 0);
  CHECK(count(woken, "streaming at") == 1);

  const PublishedCheck check = check_published(env.published(), env.decoded());
  CHECK(check.accepted > 0);
  WARN("ha run: " << check.accepted << " changes, " << check.duplicates
                  << " repeated positions");
}

}  // namespace
}  // namespace sluice::testing

namespace sluice::testing {
namespace {

TEST_CASE("ha: each destination has its own lock and moves on its own",
          "[run][ha]") {
  // Two destinations of the same table into two topics: `test` (the
  // harness's) and `copy`, each with its own lock.
  RunEnvironment env(ConfKeys{{"canal.destinations", "test,copy"},
                              {"sluice.ha.poll.ms", "200"}});
  REQUIRE(env.cluster().create_topic("commission_copy", 3));
  std::filesystem::create_directories(env.conf_dir() + "/copy");
  {
    std::ifstream in(env.conf_dir() + "/test/instance.properties");
    std::ofstream out(env.conf_dir() + "/copy/instance.properties");
    for (std::string line; std::getline(in, line);)
      out << (line.rfind("canal.mq.topic", 0) == 0
                  ? "canal.mq.topic = commission_copy"
                  : line)
          << "\n";
  }
  Writer writer(env.server(), 3, 1);
  auto first = env.start_run("streaming at");
  REQUIRE(first->wait_for_err("streaming at", 30s, 2));
  auto second = env.start_run("standing by");
  REQUIRE(second->wait_for_err("standing by", 30s, 2));
  CHECK(second->err().find("holds sluice.test on") != std::string::npos);
  CHECK(second->err().find("holds sluice.copy on") != std::string::npos);

  for (int i = 0; i < 20; ++i) writer.insert(50);
  first->signal(SIGKILL);
  (void)first->wait(10s);
  // Both destinations move, each through its own lock.
  REQUIRE(second->wait_for_err("streaming at", 30s, 2));
  CHECK(second->err().find("[test] leading: holds the lock sluice.test") !=
        std::string::npos);
  CHECK(second->err().find("[copy] leading: holds the lock sluice.copy") !=
        std::string::npos);
  for (int i = 0; i < 20; ++i) writer.insert(50);
  // Each destination's own topic holds all 2,000 changes, once each by
  // position.
  const auto positions_in = [&](const std::string& topic) {
    std::set<std::string> seen;
    for (const auto& r : test::read_topic(env.cluster().bootstrap(), topic))
      seen.insert(std::string(r.header("sluice-pos")));
    return seen.size();
  };
  const auto until = std::chrono::steady_clock::now() + 60s;
  while ((positions_in("commission") < 2000 ||
          positions_in("commission_copy") < 2000) &&
         std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(250ms);
  CHECK(positions_in("commission_copy") == 2000);
  CHECK(exit_code(second->stop(10s)) == 0);
  const PublishedCheck check = check_published(env.published(), env.decoded());
  CHECK(check.accepted == 2000);
}

}  // namespace
}  // namespace sluice::testing
