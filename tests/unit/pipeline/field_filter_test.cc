// canal's column filters (canal.instance.filter.field / .black.field):
// keep-lists, drop-lists, case-insensitive names, tables without a rule, and
// errors that name the key and the malformed entry.
#include "pipeline/field_filter.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace sluice::pipeline {
namespace {

const std::vector<std::string> kColumns = {"id", "name", "amount", "note"};

FieldFilter make(std::string_view white, std::string_view black = "") {
  auto filter = FieldFilter::parse(white, black);
  INFO((filter ? std::string("ok") : filter.error().message));
  REQUIRE(filter.has_value());
  return *filter;
}

std::vector<bool> mask(const ColumnSelection& s, size_t n) {
  std::vector<bool> out;
  for (size_t i = 0; i < n; ++i) out.push_back(s.keeps(i));
  return out;
}

Error parse_error(std::string_view white, std::string_view black = "") {
  auto filter = FieldFilter::parse(white, black);
  REQUIRE_FALSE(filter.has_value());
  return filter.error();
}

TEST_CASE("a white rule keeps only the listed columns", "[field_filter]") {
  const FieldFilter f = make("test.commission:id/amount");
  const ColumnSelection s = f.select("test", "commission", kColumns);
  CHECK_FALSE(s.keeps_all());
  CHECK(mask(s, 4) == std::vector<bool>{true, false, true, false});
  CHECK_FALSE(s.keeps(4));  // a column select() was not told about
}

TEST_CASE("a white rule listing every column still drops unknown ones",
          "[field_filter]") {
  const FieldFilter f = make("test.commission:id/name/amount/note");
  const ColumnSelection s = f.select("test", "commission", kColumns);
  CHECK(mask(s, 4) == std::vector<bool>(4, true));
  CHECK_FALSE(s.keeps(4));
}

TEST_CASE("a black rule drops the listed columns", "[field_filter]") {
  const FieldFilter f = make("", "test.commission:name/note");
  const ColumnSelection s = f.select("test", "commission", kColumns);
  CHECK_FALSE(s.keeps_all());
  CHECK(mask(s, 4) == std::vector<bool>{true, false, true, false});
  CHECK(s.keeps(4));  // a column select() was not told about
}

TEST_CASE("table and column names ignore case", "[field_filter]") {
  const FieldFilter f = make("TEST.Commission:ID/Amount");
  const std::vector<std::string> upper = {"Id", "NAME", "AMOUNT", "note"};
  const ColumnSelection s = f.select("test", "COMMISSION", upper);
  CHECK(mask(s, 4) == std::vector<bool>{true, false, true, false});
}

TEST_CASE("a table without a rule keeps every column", "[field_filter]") {
  const FieldFilter f = make("test.commission:id", "test.commission:id");
  const ColumnSelection other = f.select("test", "orders", kColumns);
  CHECK(other.keeps_all());
  CHECK(mask(other, 4) == std::vector<bool>(4, true));

  // The name is exact: no prefix, no regex.
  CHECK(
      make("test.comm:id").select("test", "commission", kColumns).keeps_all());
  CHECK(make("test.comm.*:id").select("test", "comm.x", kColumns).keeps_all());
  CHECK(make("test.comm.*:id")
            .select("test", "commission", kColumns)
            .keeps_all());

  CHECK(FieldFilter().empty());
  CHECK(FieldFilter().select("test", "commission", kColumns).keeps_all());
  CHECK_FALSE(f.empty());
}

TEST_CASE("a white rule makes the black rule of its table inert",
          "[field_filter]") {
  const FieldFilter f = make("test.commission:id/name", "test.commission:id");
  const ColumnSelection s = f.select("test", "commission", kColumns);
  CHECK(mask(s, 4) == std::vector<bool>{true, true, false, false});
}

TEST_CASE("a black rule naming no present column keeps all", "[field_filter]") {
  const FieldFilter f = make("", "test.commission:gone");
  CHECK(f.select("test", "commission", kColumns).keeps_all());
  // ...while a white rule naming no present column keeps none.
  const ColumnSelection none =
      make("test.commission:gone").select("test", "commission", kColumns);
  CHECK_FALSE(none.keeps_all());
  CHECK(mask(none, 4) == std::vector<bool>(4, false));
}

TEST_CASE("several entries, spaces and empty pieces", "[field_filter]") {
  const FieldFilter f =
      make(" test.commission : id / amount ,, shop.orders:note/ ,");
  CHECK(mask(f.select("test", "commission", kColumns), 4) ==
        std::vector<bool>{true, false, true, false});
  CHECK(mask(f.select("shop", "orders", kColumns), 4) ==
        std::vector<bool>{false, false, false, true});
}

TEST_CASE("column names as views select the same", "[field_filter]") {
  const FieldFilter f = make("", "test.commission:amount");
  const std::vector<std::string_view> views = {"ID", "amount"};
  const ColumnSelection s = f.select("test", "commission", views);
  CHECK(mask(s, 2) == std::vector<bool>{true, false});
}

TEST_CASE("malformed entries are errors naming key and entry",
          "[field_filter]") {
  struct Case {
    const char* white;
    const char* entry;
    const char* problem;
  };
  const Case cases[] = {
      {"test.a:id, test.commission", "entry 2 \"test.commission\"",
       "has no ':'"},
      {"test.commission:", "entry 1 \"test.commission:\"", "lists no column"},
      {"test.commission: / ", "entry 1 \"test.commission: /\"",
       "lists no column"},
      {"commission:id", "entry 1 \"commission:id\"", "with its schema"},
      {".commission:id", "entry 1 \".commission:id\"", "with its schema"},
      {"test.:id", "entry 1 \"test.:id\"", "with its schema"},
      {":id", "entry 1 \":id\"", "names no table"},
      {"test.a:id:name", "entry 1 \"test.a:id:name\"", "more than one ':'"},
      {"test.a:id,TEST.A:name", "entry 2 \"TEST.A:name\"", "earlier entry"},
  };
  for (const Case& c : cases) {
    INFO(c.white);
    const Error e = parse_error(c.white);
    INFO(e.message);
    CHECK(e.code == Errc::kUsage);
    CHECK(e.message.starts_with("canal.instance.filter.field: "));
    CHECK(e.message.find(c.entry) != std::string::npos);
    CHECK(e.message.find(c.problem) != std::string::npos);
  }

  const Error black = parse_error("test.a:id", "test.b");
  INFO(black.message);
  CHECK(black.message.starts_with(
      "canal.instance.filter.black.field: entry 1 \"test.b\" has no ':'"));
}

}  // namespace
}  // namespace sluice::pipeline
