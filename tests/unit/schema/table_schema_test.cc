// apply_schema on hand-built TABLE_MAPs: what an agreeing information_schema
// definition fills in, and the errors when the two disagree.
#include "schema/table_schema.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "binlog/event_decoder.h"
#include "codec/canal_types.h"
#include "codec/flat_message.h"

namespace sluice::schema {
namespace {

using binlog::ColumnDef;
using binlog::ColumnType;
using binlog::TableMap;

ColumnDef def(ColumnType type, ColumnType real_type = ColumnType::kNull) {
  ColumnDef c;
  c.type = type;
  c.real_type = real_type == ColumnType::kNull ? type : real_type;
  return c;
}

ColumnDef decimal_def(uint8_t precision, uint8_t scale) {
  auto c = def(ColumnType::kNewDecimal);
  c.precision = precision;
  c.scale = scale;
  return c;
}

ColumnDef sized(ColumnType type, uint32_t max_length,
                ColumnType real_type = ColumnType::kNull) {
  auto c = def(type, real_type);
  c.max_length = max_length;
  return c;
}

ColumnDef fsp(ColumnType type, uint8_t scale) {
  auto c = def(type);
  c.scale = scale;
  return c;
}

ColumnSchema col(std::string name, std::string data_type,
                 std::string column_type, bool pk = false) {
  ColumnSchema c;
  c.name = std::move(name);
  c.data_type = std::move(data_type);
  c.column_type = std::move(column_type);
  c.primary_key = pk;
  c.is_unsigned = c.column_type.find(" unsigned") != std::string::npos;
  c.elements = parse_elements(c.column_type);
  return c;
}

// d.orders as a MINIMAL TABLE_MAP sees it: types, no names.
TableMap orders_map() {
  TableMap m;
  m.table_id = 42;
  m.schema = "d";
  m.table = "orders";
  m.columns = {
      def(ColumnType::kLong),
      sized(ColumnType::kVarchar, 80),
      decimal_def(18, 2),
      sized(ColumnType::kString, 1, ColumnType::kEnum),
      def(ColumnType::kLongLong),
  };
  return m;
}

TableSchema orders_schema() {
  TableSchema s;
  s.schema = "d";
  s.table = "orders";
  s.columns = {
      col("shop", "int", "int(10) unsigned", true),
      col("name", "varchar", "varchar(20)"),
      col("amount", "decimal", "decimal(18,2)"),
      col("state", "enum", "enum('new','paid')"),
      col("id", "bigint", "bigint(20)", true),
  };
  s.columns[1].collation = "utf8mb4_general_ci";
  s.columns[1].collation_id = 45;
  return s;
}

TEST_CASE("an agreeing definition fills names, key, signedness and values",
          "[schema]") {
  auto map = orders_map();
  REQUIRE(apply_schema(orders_schema(), map));
  CHECK(map.has_column_names);
  CHECK(map.has_signedness);
  CHECK(map.has_primary_key);
  std::vector<std::string> names;
  std::vector<std::string> pk;
  for (const auto& c : map.columns) {
    names.push_back(c.name);
    if (c.primary_key) pk.push_back(c.name);
  }
  CHECK(names ==
        std::vector<std::string>{"shop", "name", "amount", "state", "id"});
  // A composite key in table column order, whatever order the key lists.
  CHECK(pk == std::vector<std::string>{"shop", "id"});
  CHECK(map.columns[0].is_unsigned);
  CHECK_FALSE(map.columns[4].is_unsigned);
  CHECK(map.columns[3].elements == std::vector<std::string>{"new", "paid"});
  CHECK(map.columns[1].collation == 45);
  CHECK(map.columns[0].mysql_type == "int(10) unsigned");
  CHECK(map.columns[2].mysql_type == "decimal(18,2)");
}

TEST_CASE("what the TABLE_MAP carries itself is kept", "[schema]") {
  auto map = orders_map();
  map.has_signedness = true;  // MINIMAL metadata has signedness
  map.columns[0].is_unsigned = true;
  map.columns[1].collation = 8;  // latin1_swedish_ci from the binlog
  REQUIRE(apply_schema(orders_schema(), map));
  CHECK(map.columns[1].collation == 8);
  CHECK(map.columns[0].is_unsigned);
}

TEST_CASE("a column-count mismatch names the table and the extra column",
          "[schema]") {
  auto map = orders_map();
  map.columns.pop_back();
  const auto before = map.columns.size();
  const auto s = apply_schema(orders_schema(), map);
  REQUIRE_FALSE(s);
  CHECK(s.error().code == Errc::kCorrupt);
  const std::string& m = s.error().message;
  INFO(m);
  CHECK(m.find("`d`.`orders`") != std::string::npos);
  CHECK(m.find("TABLE_MAP has 4 columns") != std::string::npos);
  CHECK(m.find("information_schema has 5") != std::string::npos);
  CHECK(m.find("column 5 (`id` bigint(20))") != std::string::npos);
  CHECK(m.find("binlog_row_metadata=FULL") != std::string::npos);
  // Nothing was filled in.
  CHECK(map.columns.size() == before);
  CHECK_FALSE(map.has_column_names);
  CHECK(map.columns[0].name.empty());
}

TEST_CASE("a TABLE_MAP with more columns than the definition is refused",
          "[schema]") {
  auto map = orders_map();
  map.columns.push_back(fsp(ColumnType::kDateTime2, 3));
  const auto s = apply_schema(orders_schema(), map);
  REQUIRE_FALSE(s);
  INFO(s.error().message);
  CHECK(s.error().message.find("TABLE_MAP's column 6 (DATETIME2(3))") !=
        std::string::npos);
}

TEST_CASE("a type mismatch names the position and both types", "[schema]") {
  auto map = orders_map();
  map.columns[1] = def(ColumnType::kLong);  // int where varchar is now
  const auto s = apply_schema(orders_schema(), map);
  REQUIRE_FALSE(s);
  CHECK(s.error().code == Errc::kCorrupt);
  const std::string& m = s.error().message;
  INFO(m);
  CHECK(m.find("`d`.`orders` column 2 (`name`)") != std::string::npos);
  CHECK(m.find("TABLE_MAP has LONG") != std::string::npos);
  CHECK(m.find("information_schema has varchar(20)") != std::string::npos);
  CHECK(m.find("binlog_row_metadata=FULL") != std::string::npos);
  CHECK_FALSE(map.has_column_names);
}

TEST_CASE("DECIMAL must agree on precision and scale", "[schema]") {
  auto map = orders_map();
  map.columns[2] = decimal_def(10, 2);
  const auto s = apply_schema(orders_schema(), map);
  REQUIRE_FALSE(s);
  INFO(s.error().message);
  CHECK(s.error().message.find("NEWDECIMAL(10,2)") != std::string::npos);
  CHECK(s.error().message.find("decimal(18,2)") != std::string::npos);
  CHECK(s.error().message.find("precision or scale") != std::string::npos);
}

TEST_CASE("signedness carried by the TABLE_MAP must agree", "[schema]") {
  auto map = orders_map();
  map.has_signedness = true;  // column 1 signed in the binlog
  const auto s = apply_schema(orders_schema(), map);
  REQUIRE_FALSE(s);
  INFO(s.error().message);
  CHECK(s.error().message.find("column 1 (`shop`)") != std::string::npos);
  CHECK(s.error().message.find("signedness") != std::string::npos);
}

TEST_CASE("names carried by the TABLE_MAP must agree", "[schema]") {
  auto map = orders_map();
  map.has_column_names = true;
  const std::vector<std::string> names = {"SHOP", "name", "amount", "state",
                                          "order_id"};
  for (size_t i = 0; i < names.size(); ++i) map.columns[i].name = names[i];
  const auto s = apply_schema(orders_schema(), map);
  REQUIRE_FALSE(s);
  INFO(s.error().message);
  CHECK(s.error().message.find("column 5 (`id`)") != std::string::npos);
  CHECK(s.error().message.find("a different name") != std::string::npos);
  map.columns[4].name = "id";  // names compare case-insensitively
  REQUIRE(apply_schema(orders_schema(), map));
  CHECK(map.columns[0].name == "SHOP");  // the binlog's spelling stays
}

struct Pairing {
  const char* what;
  ColumnDef binlog;
  const char* data_type;
  const char* column_type;
  bool compatible;
};

TEST_CASE("binlog types pair with information_schema types", "[schema]") {
  using T = ColumnType;
  const std::vector<Pairing> cases = {
      {"TINY", def(T::kTiny), "tinyint", "tinyint(4)", true},
      {"SHORT", def(T::kShort), "smallint", "smallint(6)", true},
      {"INT24", def(T::kInt24), "mediumint", "mediumint(9)", true},
      {"LONG", def(T::kLong), "int", "int(11)", true},
      {"LONGLONG", def(T::kLongLong), "bigint", "bigint(20)", true},
      {"FLOAT", sized(T::kFloat, 4), "float", "float", true},
      {"DOUBLE", sized(T::kDouble, 8), "double", "double", true},
      {"YEAR", def(T::kYear), "year", "year(4)", true},
      {"DATE", def(T::kDate), "date", "date", true},
      {"NEWDATE", def(T::kNewDate), "date", "date", true},
      {"TIME2", fsp(T::kTime2, 3), "time", "time(3)", true},
      {"DATETIME2", fsp(T::kDateTime2, 0), "datetime", "datetime", true},
      {"TIMESTAMP2", fsp(T::kTimestamp2, 6), "timestamp", "timestamp(6)", true},
      {"old DATETIME", def(T::kDateTime), "datetime", "datetime(3)", true},
      {"BIT", sized(T::kBit, 5), "bit", "bit(5)", true},
      {"VARCHAR binary", sized(T::kVarchar, 16), "varbinary", "varbinary(16)",
       true},
      {"VAR_STRING", sized(T::kVarString, 30), "varchar", "varchar(10)", true},
      {"compressed VARCHAR", sized(T::kMariaVarcharCompressed, 11), "varchar",
       "varchar(10) /*M!100301 COMPRESSED*/", true},
      {"STRING char", sized(T::kString, 4, T::kString), "char", "char(4)",
       true},
      {"STRING binary", sized(T::kString, 16, T::kString), "binary",
       "binary(16)", true},
      {"STRING uuid", sized(T::kString, 16, T::kString), "uuid", "uuid", true},
      {"STRING inet6", sized(T::kString, 16, T::kString), "inet6", "inet6",
       true},
      {"SET", sized(T::kString, 1, T::kSet), "set", "set('a','b')", true},
      {"ENUM 300 values", sized(T::kString, 2, T::kEnum), "enum", "", true},
      {"BLOB 1", sized(T::kBlob, 1), "tinytext", "tinytext", true},
      {"BLOB 2", sized(T::kBlob, 2), "blob", "blob", true},
      {"BLOB 3", sized(T::kBlob, 3), "mediumtext", "mediumtext", true},
      {"BLOB 4 text", sized(T::kBlob, 4), "longtext", "longtext", true},
      {"BLOB 4 blob", sized(T::kBlob, 4), "longblob", "longblob", true},
      {"compressed BLOB", sized(T::kMariaBlobCompressed, 2), "text",
       "text /*M!100301 COMPRESSED*/", true},
      {"JSON", sized(T::kJson, 4), "json", "json", true},
      {"GEOMETRY point", sized(T::kGeometry, 4), "point", "point", true},
      {"GEOMETRY", sized(T::kGeometry, 4), "geometry", "geometry", true},
      {"VECTOR", sized(T::kVector, 4), "vector", "vector(3)", true},
      {"old DECIMAL", def(T::kDecimal), "decimal", "decimal(10,2)", true},
      // Mismatches.
      {"LONG vs bigint", def(T::kLong), "bigint", "bigint(20)", false},
      {"TINY vs int", def(T::kTiny), "int", "int(11)", false},
      {"BLOB 2 vs longtext", sized(T::kBlob, 2), "longtext", "longtext", false},
      {"BLOB 4 vs text", sized(T::kBlob, 4), "text", "text", false},
      {"DATETIME2(0) vs datetime(3)", fsp(T::kDateTime2, 0), "datetime",
       "datetime(3)", false},
      {"TIMESTAMP2 vs datetime", fsp(T::kTimestamp2, 0), "datetime", "datetime",
       false},
      {"BIT(5) vs bit(6)", sized(T::kBit, 5), "bit", "bit(6)", false},
      {"ENUM 1 byte vs 2 values", sized(T::kString, 2, T::kEnum), "enum",
       "enum('a','b')", false},
      {"SET 1 byte vs 9 values", sized(T::kString, 1, T::kSet), "set",
       "set('a','b','c','d','e','f','g','h','i')", false},
      {"STRING vs varchar", sized(T::kString, 4, T::kString), "varchar",
       "varchar(4)", false},
      {"VARCHAR vs char", sized(T::kVarchar, 4), "char", "char(4)", false},
      {"ENUM vs set", sized(T::kString, 1, T::kEnum), "set", "set('a')", false},
      {"JSON vs longtext", sized(T::kJson, 4), "longtext", "longtext", false},
      {"DOUBLE vs float", sized(T::kDouble, 8), "float", "float", false},
      {"FLOAT vs double", sized(T::kFloat, 4), "double", "double", false},
      {"DATE vs datetime", def(T::kDate), "datetime", "datetime", false},
      {"TIME2 vs timestamp", fsp(T::kTime2, 0), "timestamp", "timestamp",
       false},
      {"GEOMETRY vs blob", sized(T::kGeometry, 4), "blob", "blob", false},
      {"NULL type", def(T::kNull), "int", "int(11)", false},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    TableMap map;
    map.schema = "s";
    map.table = "t";
    map.columns = {c.binlog};
    TableSchema schema;
    schema.schema = "s";
    schema.table = "t";
    auto column = col("c", c.data_type, c.column_type);
    if (std::string(c.what) == "ENUM 300 values") {
      for (int i = 0; i < 300; ++i) {
        column.elements.push_back("v" + std::to_string(i));
      }
    }
    schema.columns = {column};
    const auto s = apply_schema(schema, map);
    INFO((s ? std::string("accepted") : s.error().message));
    CHECK(static_cast<bool>(s) == c.compatible);
    if (!s) {
      CHECK(s.error().message.find("`s`.`t` column 1 (`c`)") !=
            std::string::npos);
    }
  }
}

TEST_CASE("ENUM/SET values are read from COLUMN_TYPE", "[schema]") {
  CHECK(parse_elements(R"j(enum('x''y','c\\d','p,q'))j") ==
        std::vector<std::string>{"x'y", "c\\d", "p,q"});
  CHECK(parse_elements("set('a','b')") == std::vector<std::string>{"a", "b"});
  CHECK(parse_elements("ENUM('A')") == std::vector<std::string>{"A"});
  CHECK(parse_elements(R"j(enum('line\nbreak',''))j") ==
        std::vector<std::string>{"line\nbreak", ""});
  CHECK(parse_elements("int(11)").empty());
  CHECK(parse_elements("varchar(5)").empty());
}

TEST_CASE("canal's mysqlType is COLUMN_TYPE verbatim once known", "[schema]") {
  auto map = orders_map();
  std::string derived;
  codec::append_mysql_type(map.columns[0], true, true, derived);
  CHECK(derived == "int(11)");  // signedness unknown without the schema
  REQUIRE(apply_schema(orders_schema(), map));
  std::string text;
  codec::append_mysql_type(map.columns[0], true, true, text);
  CHECK(text == "int(10) unsigned");
  text.clear();
  codec::append_mysql_type(map.columns[3], false, false, text);
  CHECK(text == "enum('new','paid')");
}

TEST_CASE("a mysqlType with quotes and backslashes stays valid JSON",
          "[schema]") {
  TableMap map;
  map.schema = "d";
  map.table = "e";
  map.columns = {def(ColumnType::kLong),
                 sized(ColumnType::kString, 1, ColumnType::kEnum)};
  TableSchema schema;
  schema.schema = "d";
  schema.table = "e";
  schema.columns = {col("id", "int", "int(11)", true),
                    col("v", "enum", R"j(enum('a"b','c\\d'))j")};
  REQUIRE(apply_schema(schema, map));
  CHECK(map.columns[1].elements == std::vector<std::string>{"a\"b", "c\\d"});

  std::vector<binlog::Value> after(2);
  after[0].kind = binlog::ValueKind::kSigned;
  after[0].i = 1;
  after[1].kind = binlog::ValueKind::kUnsigned;
  after[1].u = 2;
  binlog::EventHeader header;
  header.timestamp = 1700000000;
  binlog::RowEvent row;
  row.header = &header;
  row.table = &map;
  row.kind = binlog::RowsKind::kInsert;
  row.after = after;
  codec::FlatMessageEncoder enc(true);
  std::string out;
  REQUIRE(enc.append_row(row, {1, "", 1700000000123, ""}, out));
  INFO(out);
  CHECK(out.find(
            R"j("mysqlType":{"id":"int(11)","v":"enum('a\"b','c\\\\d')"})j") !=
        std::string::npos);
  CHECK(out.find(R"("pkNames":["id"])") != std::string::npos);
}

}  // namespace
}  // namespace sluice::schema
