// Topic, partition and key of row changes: canal's hash of the database and
// key texts (expected values computed here by a plain Java-style loop, not
// by the code under test), fixed partitions without rules, partition 0 for
// tables no rule matches, table-hash rules, composite keys and MINIMAL
// images.
#include "pipeline/row_router.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support/row_builders.h"

namespace sluice::pipeline {
namespace {

using binlog::Value;
using namespace sluice::test_rows;

// Java String.hashCode for ASCII text, written out plainly.
int32_t java_hash(const std::string& s) {
  uint32_t h = 0;
  for (const char c : s) h = 31 * h + static_cast<uint32_t>(c);
  return static_cast<int32_t>(h);
}

int32_t expected_partition(int32_t h, int32_t n) {
  const int64_t a = h < 0 ? -static_cast<int64_t>(h) : h;
  return static_cast<int32_t>(a % n);
}

RoutingConfig config(const std::string& hash_rules, int32_t partitions = 3) {
  RoutingConfig c;
  c.topic = "commission";
  c.partitions = partitions;
  auto rules = PartitionRules::parse(hash_rules, "test");
  REQUIRE(rules);
  c.hash_rules = std::move(*rules);
  return c;
}

const std::string kBiz = "invite";

std::vector<Value> commission_row(int64_t id) {
  return {signed_value(id), signed_value(42), text(kBiz), decimal(kTwoFifty),
          signed_value(0),  null_value(),     datetime()};
}

TEST_CASE("rows go to canal's partition of hash(database) ^ hash(id)",
          "[router]") {
  auto table = commission();
  table.generation = 7;
  RowRouter router(config("test.commission:id"), true);
  binlog::EventHeader header;
  for (int64_t id = 1; id <= 200; ++id) {
    const auto after = commission_row(id);
    const auto row =
        row_change(header, table, binlog::RowsKind::kInsert, {}, after);
    auto route = router.route_row(row);
    REQUIRE(route);
    const std::string key = std::to_string(id);
    INFO("id " << id);
    CHECK(route->topic == "commission");
    CHECK(route->has_key);
    CHECK(route->key == key);
    CHECK(route->partition ==
          expected_partition(java_hash("test") ^ java_hash(key), 3));
  }
}

TEST_CASE("$pk$ and an explicit column list agree, database hash can be off",
          "[router]") {
  auto table = commission();
  binlog::EventHeader header;
  auto c = config(".*\\.commission:$pk$");
  c.database_hash = false;
  RowRouter router(std::move(c), true);
  const auto before = commission_row(123456789);
  const auto row =
      row_change(header, table, binlog::RowsKind::kDelete, before, {});
  auto route = router.route_row(row);
  REQUIRE(route);
  CHECK(route->partition == expected_partition(java_hash("123456789"), 3));
}

TEST_CASE("without rules every row goes to canal.mq.partition", "[router]") {
  auto table = commission();
  binlog::EventHeader header;
  auto c = config("");
  c.partition = 2;
  RowRouter router(std::move(c), true);
  for (int64_t id : {1, 2, 3, 4}) {
    const auto after = commission_row(id);
    auto route = router.route_row(
        row_change(header, table, binlog::RowsKind::kInsert, {}, after));
    REQUIRE(route);
    CHECK(route->partition == 2);
  }
}

TEST_CASE("a table no rule matches goes to partition 0 - commission:id",
          "[router]") {
  auto table = commission();
  binlog::EventHeader header;
  RowRouter router(config("commission:id"), true);
  for (int64_t id : {1, 2, 3, 4, 5}) {
    const auto after = commission_row(id);
    auto route = router.route_row(
        row_change(header, table, binlog::RowsKind::kInsert, {}, after));
    REQUIRE(route);
    CHECK(route->partition == 0);
    CHECK(route->key == std::to_string(id));
  }
}

TEST_CASE("a table-hash rule hashes the table name only", "[router]") {
  auto table = commission();
  binlog::EventHeader header;
  RowRouter router(config("test\\..*", 5), true);
  const auto after = commission_row(9);
  auto route = router.route_row(
      row_change(header, table, binlog::RowsKind::kInsert, {}, after));
  REQUIRE(route);
  CHECK(route->partition == expected_partition(java_hash("commission"), 5));
}

TEST_CASE("a composite key is a JSON array, both columns hash", "[router]") {
  auto table = commission();
  table.columns[1].primary_key = true;  // (id, user_id)
  binlog::EventHeader header;
  RowRouter router(config("test.commission:$pk$"), true);
  const auto after = commission_row(5);
  auto route = router.route_row(
      row_change(header, table, binlog::RowsKind::kInsert, {}, after));
  REQUIRE(route);
  CHECK(route->key == R"(["5","42"])");
  CHECK(route->partition ==
        expected_partition(java_hash("test") ^ java_hash("5") ^ java_hash("42"),
                           3));
}

TEST_CASE("a MINIMAL update hashes the key from its before image", "[router]") {
  auto table = commission();
  binlog::EventHeader header;
  RowRouter router(config("test.commission:id"), true);
  Value absent;
  std::vector<Value> before = {signed_value(77), absent, absent, absent,
                               absent,           absent, absent};
  std::vector<Value> after = {absent, absent, absent, decimal(kThree),
                              absent, absent, absent};
  auto route = router.route_row(
      row_change(header, table, binlog::RowsKind::kUpdate, before, after));
  REQUIRE(route);
  CHECK(route->key == "77");
  CHECK(route->partition ==
        expected_partition(java_hash("test") ^ java_hash("77"), 3));
}

TEST_CASE("a table without a primary key has no Kafka key", "[router]") {
  auto table = commission();
  table.columns[0].primary_key = false;
  binlog::EventHeader header;
  RowRouter router(config("test.commission:id"), true);
  const auto after = commission_row(3);
  auto route = router.route_row(
      row_change(header, table, binlog::RowsKind::kInsert, {}, after));
  REQUIRE(route);
  CHECK_FALSE(route->has_key);
  CHECK(route->partition ==
        expected_partition(java_hash("test") ^ java_hash("3"), 3));
}

TEST_CASE("dynamic topics name the topic of rows and statements", "[router]") {
  auto c = config("");
  auto dynamic = DynamicTopics::parse("income:test\\.commission", "", "test");
  REQUIRE(dynamic);
  c.dynamic = std::move(*dynamic);
  RowRouter router(std::move(c), true);
  auto table = commission();
  binlog::EventHeader header;
  const auto after = commission_row(1);
  auto route = router.route_row(
      row_change(header, table, binlog::RowsKind::kInsert, {}, after));
  REQUIRE(route);
  CHECK(route->topic == "income");
  const Route ddl = router.route_statement("test", "commission");
  CHECK(ddl.topic == "income");
  CHECK(ddl.partition == 0);
  CHECK_FALSE(ddl.has_key);
  CHECK(router.route_statement("other", "t").topic == "commission");
}

}  // namespace
}  // namespace sluice::pipeline
