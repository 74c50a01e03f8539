// The HTTP endpoints of `sluice run` (DESIGN §7) on a leader and a standby
// of one destination, against a real MariaDB server and the mock Kafka
// cluster: /metrics parses as Prometheus text and its counters match what
// was published, /healthz answers on both nodes, /ready only on the
// leader, and the lag returns to about zero once the load stops.
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "integration/commission_writer.h"
#include "integration/run_support.h"
#include "support/flat_json.h"
#include "support/http_get.h"
#include "support/prometheus_text.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;

// The port `sluice run` logged for its metrics.
uint16_t metrics_port(const SluiceProcess& p) {
  const std::string err = p.err();
  const std::string marker = "metrics on http://127.0.0.1:";
  const size_t at = err.find(marker);
  REQUIRE(at != std::string::npos);
  return static_cast<uint16_t>(std::stoul(err.substr(at + marker.size())));
}

test::MetricsPage scrape(uint16_t port) {
  const test::HttpReply r = test::http_get(port, "/metrics");
  REQUIRE(r.status == 200);
  std::string error;
  auto page = test::parse_metrics(r.body, &error);
  INFO(r.body);
  REQUIRE(page);
  REQUIRE(error.empty());
  return *page;
}

TEST_CASE(
    "metrics: counters match what was published, ready only on the "
    "leader",
    "[run][metrics]") {
  RunEnvironment env(ConfKeys{{"sluice.ha.poll.ms", "200"}});
  Writer writer(env.server(), 9, 1);
  auto leader = env.start_run("streaming at");
  auto standby = env.start_run("standing by");
  const uint16_t leader_port = metrics_port(*leader);
  const uint16_t standby_port = metrics_port(*standby);

  CHECK(test::http_get(leader_port, "/healthz").status == 200);
  CHECK(test::http_get(standby_port, "/healthz").status == 200);
  const test::HttpReply ready = test::http_get(leader_port, "/ready");
  CHECK(ready.status == 200);
  CHECK(ready.body == "test: leading, publishing\n");
  const test::HttpReply not_ready = test::http_get(standby_port, "/ready");
  CHECK(not_ready.status == 503);
  CHECK(not_ready.body == "test: standing by\n");

  for (int i = 0; i < 30; ++i) writer.insert(100);
  for (int i = 0; i < 10; ++i) writer.update_and_delete(50);
  REQUIRE(env.wait_caught_up(60s));

  std::map<std::string, double> published;
  for (const test::KafkaRecord& r : env.published())
    published[parse_flat_line(r.value).type] += 1;
  REQUIRE(published["INSERT"] == 3000);

  const test::MetricsPage page = scrape(leader_port);
  const std::map<std::string, std::string> table = {
      {"destination", "test"}, {"schema", "test"}, {"table", "commission"}};
  for (const char* type : {"INSERT", "UPDATE", "DELETE"}) {
    auto labels = table;
    labels["type"] = type;
    INFO(type);
    CHECK(page.value("sluice_rows_published_total", labels) == published[type]);
  }
  CHECK(page.types.at("sluice_rows_published_total") == "counter");
  CHECK(page.value("canal_instance", {{"destination", "test"}}) == 1);
  CHECK(page.value("sluice_leader", {{"destination", "test"}}) == 1);
  CHECK(page.value("sluice_publishing", {{"destination", "test"}}) == 1);
  CHECK(page.value("sluice_leader_elections_total") == 1);
  // 30 inserts and 10 update-and-delete transactions, at least.
  CHECK(page.value("canal_instance_transactions").value_or(0) >= 40);
  // At least the rows' images: 3,000 inserts of some 40 bytes each.
  CHECK(page.value("canal_instance_received_binlog_bytes").value_or(0) >
        120'000);
  const double batches = page.value("sluice_kafka_batches_total").value_or(0);
  CHECK(batches >= 1);
  CHECK(page.value("sluice_kafka_commit_seconds_count") == batches);
  CHECK(page.value("sluice_kafka_batch_rows_sum").value_or(0) >=
        published["INSERT"] + published["UPDATE"] + published["DELETE"]);
  const auto [file, pos] = binlog_end(env.server());
  CHECK(page.value("sluice_binlog_position", {{"file", file}}) ==
        static_cast<double>(pos));

  const test::MetricsPage idle = scrape(standby_port);
  CHECK(idle.value("sluice_leader", {{"destination", "test"}}) == 0);
  CHECK(idle.value("sluice_rows_published_total").has_value() == false);

  // Idle: a heartbeat (every 5 s) brings the lag back to about zero.
  const auto until = std::chrono::steady_clock::now() + 20s;
  double lag = 1e9;
  while (std::chrono::steady_clock::now() < until) {
    lag = scrape(leader_port).value("sluice_lag_seconds").value_or(1e9);
    if (lag < 1) break;
    std::this_thread::sleep_for(500ms);
  }
  CHECK(lag < 1);
  CHECK(exit_code(standby->stop(10s)) == 0);
  CHECK(exit_code(leader->stop(10s)) == 0);
}

}  // namespace
}  // namespace sluice::testing
