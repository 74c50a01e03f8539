// sluice protobuf values (proto/sluice.proto) decoded with classes
// generated from that file: each column type arrives as its typed field,
// with ENUM/SET names and the position, and re-serializing the parsed
// message gives the same bytes (field order, zero values left out).
#include "codec/sluice_protobuf.h"

#include <bit>
#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

#include "sluice.pb.h"
#include "support/row_builders.h"

namespace sluice::codec {
namespace {

using binlog::ColumnType;
using binlog::Value;
using binlog::ValueKind;
using namespace sluice::test_rows;
using namespace std::string_literals;

constexpr uint32_t kLatin1 = 8;   // latin1_swedish_ci
constexpr uint32_t kBinary = 63;  // binary

sluice::v1::Change parse(const std::string& value) {
  sluice::v1::Change change;
  REQUIRE(change.ParseFromString(value));
  CHECK(change.SerializeAsString() == value);
  return change;
}

Envelope envelope() {
  Envelope env;
  env.file = "mysql-bin.000003";
  env.offset = 1120;
  env.index = 2;
  env.gtid = "0-1-5";
  env.ts_ms = 1700000000123;
  return env;
}

Value of(ValueKind kind) {
  Value v;
  v.kind = kind;
  return v;
}

TEST_CASE("an insert carries its position, table, key and typed values",
          "[sluice-pb]") {
  const auto table = commission();
  const auto header = event_header();
  const std::string biz = "invite";
  const std::string remark = "first \"income\"\n";
  std::vector<Value> after = {
      signed_value(1), signed_value(-42), text(biz), decimal(kTwoFifty),
      signed_value(0), text(remark),      datetime()};
  const auto row =
      row_change(header, table, binlog::RowsKind::kInsert, {}, after);
  SluiceProtobufEncoder enc(true);
  std::string out;
  REQUIRE(enc.append_row(row, envelope(), out));

  const auto c = parse(out);
  CHECK(c.position().file() == "mysql-bin.000003");
  CHECK(c.position().offset() == 1120);
  CHECK(c.position().index() == 2);
  CHECK(c.position().gtid() == "0-1-5");
  CHECK(c.position().server_id() == 7);
  CHECK(c.kind() == sluice::v1::INSERT);
  CHECK(c.schema() == "test");
  CHECK(c.table() == "commission");
  CHECK(c.event_time_ms() == 1700000000000);
  CHECK(c.produced_time_ms() == 1700000000123);
  REQUIRE(c.primary_key_size() == 1);
  CHECK(c.primary_key(0) == "id");
  CHECK(c.before_size() == 0);
  CHECK_FALSE(c.has_statement());
  REQUIRE(c.after_size() == 7);
  CHECK(c.after(0).name() == "id");
  CHECK(c.after(0).int_value() == 1);
  CHECK(c.after(1).int_value() == -42);
  CHECK(c.after(2).text() == "invite");
  CHECK(c.after(3).decimal() == "2.50");
  // Zero is written: it is the value, not an absent field.
  CHECK(c.after(4).value_case() == sluice::v1::Cell::kIntValue);
  CHECK(c.after(4).int_value() == 0);
  CHECK(c.after(5).text() == remark);
  const auto& dt = c.after(6).datetime();
  CHECK(c.after(6).name() == "created_at");
  CHECK(dt.year() == 2024);
  CHECK(dt.month() == 3);
  CHECK(dt.day() == 5);
  CHECK(dt.hour() == 7);
  CHECK(dt.minute() == 8);
  CHECK(dt.second() == 9);
  CHECK(dt.micros() == 120000);
}

TEST_CASE("every column type has its typed field", "[sluice-pb]") {
  binlog::TableMap t;
  t.schema = "s";
  t.table = "types";
  auto col = [&](const char* name, ColumnType type, uint32_t collation = 0) {
    t.columns.push_back(column(name, type, collation));
    return &t.columns.back();
  };
  t.columns.reserve(20);
  col("u8", ColumnType::kTiny)->is_unsigned = true;
  col("f", ColumnType::kFloat);
  col("d", ColumnType::kDouble);
  col("latin", ColumnType::kVarchar, kLatin1);
  col("bin", ColumnType::kVarchar, kBinary);
  col("day", ColumnType::kDate);
  auto* tm = col("t", ColumnType::kTime2);
  tm->scale = 6;
  col("ts", ColumnType::kTimestamp2);
  col("y", ColumnType::kYear);
  col("b", ColumnType::kBit);
  auto* e = col("e", ColumnType::kEnum, kLatin1);
  e->elements = {"a", "caf\xe9"};
  auto* zero_enum = col("e0", ColumnType::kEnum);
  zero_enum->elements = {"x"};
  auto* s = col("set", ColumnType::kSet);
  s->elements = {"r", "w", "x"};
  col("j", ColumnType::kJson);
  col("g", ColumnType::kGeometry);
  col("v", ColumnType::kVector);
  col("n", ColumnType::kLong);
  col("missing", ColumnType::kLong);
  col("hidden", ColumnType::kLong)->filtered_out = true;

  const std::string latin = "caf\xe9";
  const std::string bin = "\x00\xff\x01"s;
  const std::string json = "\x04\x01"s;  // binary JSON literal true
  const std::string geometry = "\x00\x00\x00\x00\x01\x01\x00\x00\x00"s;
  std::string vector(8, '\0');
  const float elements[2] = {1.5f, -2.0f};
  for (int i = 0; i < 2; ++i) {
    const auto bits = std::bit_cast<uint32_t>(elements[i]);
    for (int k = 0; k < 4; ++k)
      vector[static_cast<size_t>(i * 4 + k)] =
          static_cast<char>((bits >> (8 * k)) & 0xff);
  }
  std::vector<Value> v(t.columns.size());
  v[0] = of(ValueKind::kUnsigned);
  v[0].u = ~uint64_t{0};  // 255 sign-extended, as a signed read gives it
  v[1] = of(ValueKind::kFloat);
  v[1].d = 0.1f;
  v[2] = of(ValueKind::kDouble);
  v[2].d = -1e300;
  v[3] = text(latin);
  v[4] = text(bin);
  v[5] = of(ValueKind::kDate);
  v[5].t = {2024, 2, 29, 0, 0, 0, 0, false};
  v[6] = of(ValueKind::kTime);
  v[6].t = {0, 0, 0, 838, 59, 58, 999999, true};
  v[7] = of(ValueKind::kTimestamp);
  v[7].i = 1700000000;
  v[7].t.micros = 5;
  v[8] = of(ValueKind::kYear);
  v[8].i = 2155;
  v[9] = of(ValueKind::kBit);
  v[9].u = 0b1011;
  v[10] = of(ValueKind::kEnum);
  v[10].u = 2;
  v[11] = of(ValueKind::kEnum);
  v[11].u = 0;
  v[12] = of(ValueKind::kSet);
  v[12].u = 0b101;
  v[13] = of(ValueKind::kJson);
  v[13].raw = as_bytes(json);
  v[14] = of(ValueKind::kGeometry);
  v[14].raw = as_bytes(geometry);
  v[15] = of(ValueKind::kVector);
  v[15].raw = as_bytes(vector);
  v[16] = null_value();
  v[17] = of(ValueKind::kAbsent);
  v[18] = signed_value(9);

  const auto header = event_header();
  const auto row = row_change(header, t, binlog::RowsKind::kInsert, {}, v);
  SluiceProtobufEncoder enc(false);
  std::string out;
  REQUIRE(enc.append_row(row, envelope(), out));
  const auto c = parse(out);
  CHECK(c.primary_key_size() == 0);
  // "missing" (absent from the image) and "hidden" (filtered) have no Cell.
  REQUIRE(c.after_size() == 17);
  const auto& a = c.after();
  CHECK(a[0].uint_value() == 255);
  CHECK(a[1].float_value() == 0.1f);
  CHECK(a[2].double_value() == -1e300);
  CHECK(a[3].text() == "caf\xc3\xa9");
  CHECK(a[4].binary() == bin);
  CHECK(a[5].date().year() == 2024);
  CHECK(a[5].date().month() == 2);
  CHECK(a[5].date().day() == 29);
  CHECK(a[5].date().hour() == 0);
  CHECK(a[6].time_micros() ==
        -((838 * 3600 + 59 * 60 + 58) * 1000000LL + 999999));
  CHECK(a[7].timestamp_micros() == 1700000000000005);
  CHECK(a[8].year() == 2155);
  CHECK(a[9].bit() == 11);
  CHECK(a[10].enum_value().index() == 2);
  CHECK(a[10].enum_value().name() == "caf\xc3\xa9");
  CHECK(a[11].value_case() == sluice::v1::Cell::kEnumValue);
  CHECK(a[11].enum_value().index() == 0);
  CHECK(a[11].enum_value().name().empty());
  CHECK(a[12].set_value().bits() == 5);
  REQUIRE(a[12].set_value().names_size() == 2);
  CHECK(a[12].set_value().names(0) == "r");
  CHECK(a[12].set_value().names(1) == "x");
  CHECK(a[13].json() == "true");
  CHECK(a[14].geometry() == geometry);
  REQUIRE(a[15].vector().values_size() == 2);
  CHECK(a[15].vector().values(0) == 1.5f);
  CHECK(a[15].vector().values(1) == -2.0f);
  CHECK(a[16].name() == "n");
  CHECK(a[16].value_case() == sluice::v1::Cell::kNull);
  CHECK(a[16].null());
  for (const auto& cell : a) {
    CHECK(cell.name() != "missing");
    CHECK(cell.name() != "hidden");
  }
}

TEST_CASE("an update carries both images, a delete only the before image",
          "[sluice-pb]") {
  auto table = commission();
  for (auto& c : table.columns) c.name.clear();  // no FULL metadata
  const auto header = event_header();
  const std::string biz = "invite";
  std::vector<Value> before = {
      signed_value(1), signed_value(42), text(biz), decimal(kTwoFifty),
      signed_value(0), null_value(),     datetime()};
  std::vector<Value> after = before;
  after[3] = decimal(kThree);
  SluiceProtobufEncoder enc(true);
  std::string out;
  REQUIRE(enc.append_row(
      row_change(header, table, binlog::RowsKind::kUpdate, before, after),
      Envelope{}, out));
  auto c = parse(out);
  CHECK(c.kind() == sluice::v1::UPDATE);
  CHECK(c.position().file().empty());
  REQUIRE(c.before_size() == 7);
  REQUIRE(c.after_size() == 7);
  CHECK(c.before(0).name() == "@1");
  CHECK(c.primary_key(0) == "@1");
  CHECK(c.before(3).decimal() == "2.50");
  CHECK(c.after(3).decimal() == "3.00");
  CHECK(c.after(5).null());

  out.clear();
  REQUIRE(enc.append_row(
      row_change(header, table, binlog::RowsKind::kDelete, before, {}),
      Envelope{}, out));
  c = parse(out);
  CHECK(c.kind() == sluice::v1::DELETE);
  CHECK(c.before_size() == 7);
  CHECK(c.after_size() == 0);
}

TEST_CASE("a statement carries its text, session schema and type",
          "[sluice-pb]") {
  const auto header = event_header();
  SluiceProtobufEncoder enc(true);
  std::string out;
  enc.append_statement(header, "test", "commission", "app",
                       "ALTER TABLE commission ADD note TEXT",
                       StatementType::kAlter, envelope(), out);
  const auto c = parse(out);
  CHECK(c.kind() == sluice::v1::STATEMENT);
  CHECK(c.schema() == "test");
  CHECK(c.table() == "commission");
  CHECK(c.position().offset() == 1120);
  CHECK(c.before_size() == 0);
  CHECK(c.after_size() == 0);
  REQUIRE(c.has_statement());
  CHECK(c.statement().sql() == "ALTER TABLE commission ADD note TEXT");
  CHECK(c.statement().session_schema() == "app");
  CHECK(c.statement().type() == "ALTER");
}

TEST_CASE("a long value widens its cell's length without moving fields",
          "[sluice-pb]") {
  const auto table = commission();
  const auto header = event_header();
  const std::string biz(20000, 'b');
  std::vector<Value> after = {signed_value(1),    signed_value(2), text(biz),
                              decimal(kTwoFifty), signed_value(0), null_value(),
                              datetime()};
  SluiceProtobufEncoder enc(true);
  std::string out;
  REQUIRE(enc.append_row(
      row_change(header, table, binlog::RowsKind::kInsert, {}, after),
      envelope(), out));
  const auto c = parse(out);
  REQUIRE(c.after_size() == 7);
  CHECK(c.after(2).text() == biz);
  CHECK(c.after(6).datetime().micros() == 120000);
}

}  // namespace
}  // namespace sluice::codec
