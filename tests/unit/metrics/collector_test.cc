// metrics::Collector: the families and labels of DESIGN §7 as Prometheus
// text, canal's names without a `_total` suffix as canal writes them, the
// lag from the last event's time, and /ready's rule.
#include "metrics/collector.h"

#include <prometheus/text_serializer.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>

#include "support/prometheus_text.h"

namespace sluice::metrics {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

std::string serialize(const Collector& c) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, c.Collect());
  return "\n" + out.str();
}

TEST_CASE("collector: canal's names and sluice's, per destination",
          "[metrics]") {
  auto a = std::make_shared<DestinationStats>("orders");
  auto b = std::make_shared<DestinationStats>("users");
  Collector c([] { return int64_t{1'700'000'010'500}; });
  c.add(a);
  c.add(b);
  a->transactions = 7;
  a->binlog_bytes = 4096;
  a->last_event_ms = 1'700'000'000'000;
  TableRows& t = a->table("shop", "orders");
  t.inserts = 3;
  t.updates = 2;
  CHECK(&a->table("shop", "orders") == &t);
  a->set_position("mysql-bin.000003", 1234);
  a->batch_committed(5, 0.004);
  a->leading = true;
  a->publishing = true;

  const std::string text = serialize(c);
  INFO(text);
  CHECK(
      has_line(text, "canal_instance_transactions{destination=\"orders\"} 7"));
  CHECK(has_line(text, "# TYPE canal_instance_transactions counter"));
  CHECK(has_line(text,
                 "canal_instance_received_binlog_bytes{destination="
                 "\"orders\",parser=\"0\"} 4096"));
  CHECK(has_line(text,
                 "canal_instance_traffic_delay{destination=\"orders\"} "
                 "10500"));
  CHECK(has_line(text, "sluice_lag_seconds{destination=\"orders\"} 10.5"));
  CHECK(
      has_line(text, "canal_instance_traffic_delay{destination=\"users\"} 0"));
  CHECK(has_line(text,
                 "sluice_rows_published_total{destination=\"orders\","
                 "schema=\"shop\",table=\"orders\",type=\"UPDATE\"} 2"));
  CHECK(has_line(text,
                 "sluice_binlog_position{destination=\"orders\",file="
                 "\"mysql-bin.000003\"} 1234"));
  CHECK(has_line(text, "sluice_kafka_batches_total{destination=\"orders\"} 1"));
  CHECK(
      has_line(text, "sluice_kafka_batch_rows_sum{destination=\"orders\"} 5"));
  CHECK(has_line(text, "sluice_leader{destination=\"users\"} 0"));

  std::string error;
  const auto page = test::parse_metrics(text, &error);
  INFO(error);
  REQUIRE(page);
  CHECK(page->value("sluice_kafka_commit_seconds_bucket",
                    {{"destination", "orders"}, {"le", "0.005"}}) == 1);
  CHECK(page->value("sluice_kafka_commit_seconds_bucket",
                    {{"destination", "orders"}, {"le", "0.002"}}) == 0);
}

TEST_CASE("collector: ready while leading and publishing", "[metrics]") {
  auto a = std::make_shared<DestinationStats>("orders");
  auto b = std::make_shared<DestinationStats>("users");
  Collector c([] { return int64_t{0}; });
  c.add(a);
  c.add(b);
  std::string detail;
  CHECK_FALSE(c.ready(&detail));
  CHECK(detail == "orders: standing by\nusers: standing by\n");

  a->leading = true;
  detail.clear();
  CHECK_FALSE(c.ready(&detail));
  CHECK(detail == "orders: leading, not publishing yet\nusers: standing by\n");

  a->publishing = true;
  detail.clear();
  CHECK(c.ready(&detail));  // another node leads `users`
  CHECK(detail == "orders: leading, publishing\nusers: standing by\n");
}

TEST_CASE("collector: the Grafana dashboard asks only for metrics it has",
          "[metrics]") {
  Collector c([] { return int64_t{0}; });
  c.add(std::make_shared<DestinationStats>("test"));
  std::set<std::string> names;
  for (const auto& f : c.Collect()) names.insert(f.name);

  std::ifstream in(SLUICE_SOURCE_DIR "/conf/grafana-dashboard.json");
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  const std::string dashboard = text.str();
  // Every name that starts with canal_ or sluice_ after a non-name char.
  const auto name_char = [](char ch) {
    return (ch >= 'a' && ch <= 'z') || ch == '_';
  };
  size_t used = 0;
  for (size_t at = 0; at < dashboard.size(); ++at) {
    if (at > 0 && name_char(dashboard[at - 1])) continue;
    if (dashboard.compare(at, 6, "canal_") != 0 &&
        dashboard.compare(at, 7, "sluice_") != 0)
      continue;
    size_t end = at;
    while (end < dashboard.size() && name_char(dashboard[end])) ++end;
    std::string name = dashboard.substr(at, end - at);
    const std::string found = name;
    for (const std::string suffix : {"_bucket", "_count", "_sum"}) {
      if (names.count(name) == 0 && name.size() > suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
        name.resize(name.size() - suffix.size());
    }
    INFO(found);
    CHECK(names.count(name) == 1);
    ++used;
    at = end;
  }
  CHECK(used >= 10);
}

}  // namespace
}  // namespace sluice::metrics
