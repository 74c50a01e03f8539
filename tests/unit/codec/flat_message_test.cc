// FlatMessage JSON for hand-built row changes, field for field as canal 1.1.7
// renders them (reference/canal-contract.md §1).
#include "codec/flat_message.h"

#include <array>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "binlog/event_decoder.h"
#include "support/row_builders.h"

namespace sluice::codec {
namespace {

using binlog::ColumnDef;
using binlog::ColumnType;
using binlog::Value;
using binlog::ValueKind;
using namespace sluice::test_rows;

const std::string kRemark = "first \"income\"\n";
const std::string kBiz = "invite";

TEST_CASE("an insert renders as canal's FlatMessage", "[flat]") {
  const auto table = commission();
  binlog::EventHeader header;
  header.timestamp = 1700000000;
  std::vector<Value> after = {
      signed_value(1), signed_value(42), text(kBiz), decimal(kTwoFifty),
      signed_value(0), text(kRemark),    datetime()};
  const auto row =
      row_change(header, table, binlog::RowsKind::kInsert, {}, after);
  FlatMessageEncoder enc(true);
  std::string out;
  REQUIRE(enc.append_row(row, {7, "0-1-5", 1700000000123, ""}, out));
  const std::string expected =
      R"j({"data":[{"id":"1","user_id":"42","biz_type":"invite","amount":"2.50","status":"0",)j"
      R"j("remark":"first \"income\"\n","created_at":"2024-03-05 07:08:09.120"}],)j"
      R"j("database":"test","es":1700000000000,"gtid":"0-1-5","id":7,"isDdl":false,)j"
      R"j("mysqlType":{"id":"bigint(20)","user_id":"bigint(20)","biz_type":"varchar(32)",)j"
      R"j("amount":"decimal(18,2)","status":"tinyint(4)","remark":"varchar(64)",)j"
      R"j("created_at":"datetime(3)"},"old":null,"pkNames":["id"],"sql":"",)j"
      R"j("sqlType":{"id":-5,"user_id":-5,"biz_type":12,"amount":3,"status":-6,"remark":12,)j"
      R"j("created_at":93},"table":"commission","ts":1700000000123,"type":"INSERT"})j";
  CHECK(out == expected);
}

TEST_CASE("an update carries only changed columns in old", "[flat]") {
  const auto table = commission();
  binlog::EventHeader header;
  header.timestamp = 1700000001;
  std::vector<Value> before = {
      signed_value(1), signed_value(42), text(kBiz), decimal(kTwoFifty),
      signed_value(0), null_value(),     datetime()};
  std::vector<Value> after = before;
  after[3] = decimal(kThree);
  after[5] = text(kRemark);
  const auto row =
      row_change(header, table, binlog::RowsKind::kUpdate, before, after);
  FlatMessageEncoder enc(true);
  std::string out;
  REQUIRE(enc.append_row(row, {8, "", 5, ""}, out));
  const std::string head =
      R"j({"data":[{"id":"1","user_id":"42","biz_type":"invite","amount":"3.00",)j";
  const std::string old = R"j("old":[{"amount":"2.50","remark":null}],)j";
  const std::string tail = R"j("type":"UPDATE"})j";
  CHECK_THAT(out, Catch::StartsWith(head));
  CHECK_THAT(out, Catch::Contains(old));
  CHECK_THAT(out, Catch::EndsWith(tail));
}

TEST_CASE("columns a field filter leaves out appear nowhere", "[flat]") {
  auto table = commission();
  table.columns[5].filtered_out = true;  // remark
  table.columns[4].filtered_out = true;  // status
  table.generation = 77;  // cached template, as for decoder-made maps
  binlog::EventHeader header;
  header.timestamp = 1700000001;
  std::vector<Value> before = {
      signed_value(1), signed_value(42), text(kBiz), decimal(kTwoFifty),
      signed_value(0), null_value(),     datetime()};
  std::vector<Value> after = before;
  after[3] = decimal(kThree);
  after[5] = text(kRemark);  // changed, but filtered: not in old either
  FlatMessageEncoder enc(true);
  for (int round = 0; round < 2; ++round) {  // second time from the cache
    std::string out;
    REQUIRE(enc.append_row(
        row_change(header, table, binlog::RowsKind::kUpdate, before, after),
        {8, "", 5, ""}, out));
    CHECK_THAT(out, !Catch::Contains("remark") && !Catch::Contains("status"));
    CHECK_THAT(out, Catch::Contains(R"j("old":[{"amount":"2.50"}])j"));
    CHECK_THAT(out, Catch::Contains(
                        R"j("sqlType":{"id":-5,"user_id":-5,"biz_type":12,)j"
                        R"j("amount":3,"created_at":93})j"));
    CHECK_THAT(out, Catch::Contains(R"j("pkNames":["id"])j"));
  }
}

TEST_CASE("a delete renders the before image, no PK gives null pkNames",
          "[flat]") {
  auto table = commission();
  table.columns[0].primary_key = false;
  table.columns[0].name.clear();
  binlog::EventHeader header;
  std::vector<Value> before = {
      signed_value(-5), null_value(), text(kBiz), decimal(kTwoFifty),
      signed_value(1),  null_value(), datetime()};
  const auto row =
      row_change(header, table, binlog::RowsKind::kDelete, before, {});
  FlatMessageEncoder enc(true);
  std::string out;
  REQUIRE(enc.append_row(row, {1, "", 0, ""}, out));
  const std::string head = R"j({"data":[{"@1":"-5","user_id":null,)j";
  const std::string keys = R"j("old":null,"pkNames":null,)j";
  const std::string tail = R"j("type":"DELETE"})j";
  CHECK_THAT(out, Catch::StartsWith(head));
  CHECK_THAT(out, Catch::Contains(keys));
  CHECK_THAT(out, Catch::EndsWith(tail));
}

TEST_CASE("a DDL statement renders with isDdl and null maps", "[flat]") {
  FlatMessageEncoder enc(true);
  std::string out;
  enc.append_statement("test", "commission", "alter table commission add c int",
                       StatementType::kAlter, 1700000002, {9, "", 10, ""}, out);
  const std::string expected =
      R"j({"data":null,"database":"test","es":1700000002000,"gtid":"","id":9,"isDdl":true,)j"
      R"j("mysqlType":null,"old":null,"pkNames":null,"sql":"alter table commission add c int",)j"
      R"j("sqlType":null,"table":"commission","ts":10,"type":"ALTER"})j";
  CHECK(out == expected);
}

}  // namespace
}  // namespace sluice::codec

namespace sluice::codec {
namespace {

TEST_CASE("MINIMAL row images list only the columns they carry", "[flat]") {
  const auto table = commission();
  binlog::EventHeader header;
  std::vector<Value> before(table.columns.size());  // kAbsent
  std::vector<Value> after(table.columns.size());
  before[0] = signed_value(9);
  after[3] = decimal(kThree);
  const auto row =
      row_change(header, table, binlog::RowsKind::kUpdate, before, after);
  FlatMessageEncoder enc(true);
  std::string out;
  REQUIRE(enc.append_row(row, {2, "", 0, ""}, out));
  const std::string data = R"j({"data":[{"amount":"3.00"}],)j";
  const std::string types =
      R"j("mysqlType":{"amount":"decimal(18,2)"},"old":[{}],)j";
  const std::string sql_types = R"j("sqlType":{"amount":3},)j";
  CHECK_THAT(out, Catch::StartsWith(data));
  CHECK_THAT(out, Catch::Contains(types));
  CHECK_THAT(out, Catch::Contains(sql_types));
}

TEST_CASE("unsigned values with the top bit set bump sqlType as canal does",
          "[flat]") {
  binlog::TableMap table;
  table.schema = "s";
  table.table = "u";
  auto c = column("n", ColumnType::kLong);
  c.is_unsigned = true;
  table.columns = {c};
  binlog::EventHeader header;
  Value big;
  big.kind = ValueKind::kUnsigned;
  big.u = 4294967295U;
  std::vector<Value> after = {big};
  const auto row =
      row_change(header, table, binlog::RowsKind::kInsert, {}, after);
  FlatMessageEncoder enc(true);
  std::string out;
  REQUIRE(enc.append_row(row, {1, "", 0, ""}, out));
  const std::string bumped = R"j("sqlType":{"n":-5})j";
  const std::string value = R"j({"data":[{"n":"4294967295"}])j";
  CHECK_THAT(out, Catch::Contains(bumped));
  CHECK_THAT(out, Catch::StartsWith(value));
  after[0].u = 7;
  out.clear();
  REQUIRE(enc.append_row(row, {1, "", 0, ""}, out));
  const std::string plain = R"j("sqlType":{"n":4})j";
  CHECK_THAT(out, Catch::Contains(plain));
}

}  // namespace
}  // namespace sluice::codec
