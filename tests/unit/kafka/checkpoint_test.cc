// The checkpoint record's JSON: round trip, tolerance of unknown keys, and
// an error naming the problem for anything else.
#include "kafka/checkpoint.h"

#include <catch2/catch.hpp>

namespace sluice::kafka {
namespace {

TEST_CASE("a checkpoint survives encoding and parsing", "[checkpoint]") {
  Checkpoint c;
  c.file = "mysql-bin.000003";
  c.pos = 4711;
  c.gtid_set = "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5,\n0-1-42";
  c.rows_in_txn = 12;
  c.txn_gtid = "0-1-43";
  c.server_id = 4294967295u;
  c.server_uuid = "caf\xc3\xa9 \"q\"";
  c.ts_ms = 1700000000123;
  const std::string json = encode_checkpoint(c);
  CHECK(
      json ==
      R"({"file":"mysql-bin.000003","pos":4711,"gtid_set":"3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5,\n0-1-42","rows_in_txn":12,"txn_gtid":"0-1-43","server_id":4294967295,"server_uuid":"café \"q\"","ts":1700000000123})");
  auto back = parse_checkpoint(json);
  REQUIRE(back);
  CHECK(*back == c);
}

TEST_CASE("a checkpoint parser passes over keys it does not know",
          "[checkpoint]") {
  auto c = parse_checkpoint(
      R"( { "version" : 2, "file":"b.000001", "extra":[1], "pos":4,)"
      R"( "flag":true, "note":"\u00e9\ud83d\ude00" } )");
  // An array value is not a shape a checkpoint has: refused.
  CHECK_FALSE(c);
  auto d = parse_checkpoint(
      R"( { "version" : 2, "file":"b.000001", "pos":4, "flag":true,)"
      R"( "note":"\u00e9\ud83d\ude00", "n":null } )");
  REQUIRE(d);
  CHECK(d->file == "b.000001");
  CHECK(d->pos == 4);
}

TEST_CASE("a malformed checkpoint is an error naming what is wrong",
          "[checkpoint]") {
  struct Case {
    const char* json;
    const char* says;
  };
  const Case cases[] = {
      {"", "expected '{'"},
      {R"({"file":"a","pos":-1})", "non-negative integer"},
      {R"({"file":"a","pos":99999999999999999999})", "non-negative integer"},
      {R"({"file":"a"})", "needs \"pos\""},
      {R"({"file":"a","pos":4} x)", "after the closing"},
      {R"({"file":"a\q","pos":4})", "unknown escape"},
      {R"({"file":"\ud800","pos":4})", "lone surrogate"},
      {R"({"file":"a","pos":4,"server_id":4294967296})", "out of range"},
      {"{\"file\":\"a\x01\",\"pos\":4}", "control character"},
      {R"({"file":"a","pos":4)", "expected ','"},
  };
  for (const Case& k : cases) {
    INFO(k.json);
    auto r = parse_checkpoint(k.json);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::kCorrupt);
    CHECK(r.error().message.find(k.says) != std::string::npos);
  }
}

}  // namespace
}  // namespace sluice::kafka
