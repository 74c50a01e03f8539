// GTID start positions: MySQL GTID sets (text, merging, the DUMP_GTID
// encoding) and MariaDB GTID positions.
#include "mysql/gtid_set.h"

#include <catch2/catch.hpp>

#include "mysql/wire_writer.h"

namespace sluice::mysql {
namespace {

constexpr const char* kUuidA = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
constexpr const char* kUuidB = "0a1b2c3d-0000-1111-2222-333344445555";

TEST_CASE("MySQL GTID set text round-trips in canonical form", "[gtid]") {
  auto s =
      MysqlGtidSet::parse(std::string(kUuidA) + ":1-5:7,\n" + kUuidB + ":3");
  REQUIRE(s);
  // UUIDs in byte order, as MySQL prints them.
  CHECK(s->to_string() == std::string(kUuidB) + ":3," + kUuidA + ":1-5:7");
  auto empty = MysqlGtidSet::parse("  ");
  REQUIRE(empty);
  CHECK(empty->empty());
}

TEST_CASE("adding transactions merges adjacent and overlapping intervals",
          "[gtid]") {
  auto s = MysqlGtidSet::parse(std::string(kUuidA) + ":1-3:5-6:9");
  REQUIRE(s);
  REQUIRE(s->add(std::string(kUuidA) + ":4"));
  CHECK(s->to_string() == std::string(kUuidA) + ":1-6:9");
  REQUIRE(s->add(std::string(kUuidA) + ":8"));
  REQUIRE(s->add(std::string(kUuidA) + ":7"));
  CHECK(s->to_string() == std::string(kUuidA) + ":1-9");
  REQUIRE(s->add(std::string(kUuidB) + ":100"));
  CHECK(s->to_string() == std::string(kUuidB) + ":100," + kUuidA + ":1-9");
  CHECK_FALSE(s->add("not-a-gtid"));
  CHECK_FALSE(s->add(std::string(kUuidA) + ":0"));
}

TEST_CASE("malformed and tagged GTID sets are explained", "[gtid]") {
  auto bad = MysqlGtidSet::parse("3e11fa47:1-5");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == Errc::kUsage);
  CHECK(bad.error().message.find("not a server UUID") != std::string::npos);
  auto reversed = MysqlGtidSet::parse(std::string(kUuidA) + ":5-1");
  REQUIRE_FALSE(reversed);
  CHECK(reversed.error().message.find("empty") != std::string::npos);
  auto tagged = MysqlGtidSet::parse(std::string(kUuidA) + ":mytag:1-5");
  REQUIRE_FALSE(tagged);
  CHECK(tagged.error().code == Errc::kUnsupported);
  CHECK_FALSE(MysqlGtidSet::parse(kUuidA));
}

TEST_CASE("the DUMP_GTID encoding has exclusive interval ends", "[gtid]") {
  auto s = MysqlGtidSet::parse(std::string(kUuidA) + ":1-5:7");
  REQUIRE(s);
  std::vector<std::byte> want;
  put_le(1, 8, want);
  const std::vector<int> uuid = {0x3e, 0x11, 0xfa, 0x47, 0x71, 0xca,
                                 0x11, 0xe1, 0x9e, 0x33, 0xc8, 0x0a,
                                 0xa9, 0x42, 0x95, 0x62};
  for (int b : uuid) want.push_back(static_cast<std::byte>(b));
  put_le(2, 8, want);
  put_le(1, 8, want);
  put_le(6, 8, want);
  put_le(7, 8, want);
  put_le(8, 8, want);
  CHECK(s->encode() == want);
}

TEST_CASE("MariaDB GTID positions: one GTID per domain", "[gtid]") {
  auto p = MariaDbGtidPos::parse("1-2-7, 0-1-100");
  REQUIRE(p);
  CHECK(p->to_string() == "0-1-100,1-2-7");
  REQUIRE(p->update("0-3-101"));
  REQUIRE(p->update("5-1-1"));
  CHECK(p->to_string() == "0-3-101,1-2-7,5-1-1");
  CHECK_FALSE(p->update("0-1"));
  auto dup = MariaDbGtidPos::parse("0-1-1,0-1-2");
  REQUIRE_FALSE(dup);
  CHECK(dup.error().message.find("domain 0 twice") != std::string::npos);
  CHECK_FALSE(MariaDbGtidPos::parse("0-1-x"));
  auto empty = MariaDbGtidPos::parse("");
  REQUIRE(empty);
  CHECK(empty->empty());
}

}  // namespace
}  // namespace sluice::mysql
