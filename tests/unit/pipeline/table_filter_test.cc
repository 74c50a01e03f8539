// canal's table filter (canal.instance.filter.regex / .black.regex): piece
// splitting, full-match and case-insensitive semantics, black over white, and
// errors that name the key and the piece.
#include "pipeline/table_filter.h"

#include <catch2/catch.hpp>
#include <string>

namespace sluice::pipeline {
namespace {

TableFilter make(std::string_view white, std::string_view black = "") {
  auto filter = TableFilter::create(white, black);
  INFO((filter ? std::string("ok") : filter.error().message));
  REQUIRE(filter.has_value());
  return *filter;
}

TEST_CASE("canal's default filter (every schema, every table) accepts all",
          "[table_filter]") {
  const TableFilter f = make(R"(.*\..*)");
  CHECK(f.accepts("test", "commission"));
  CHECK(f.accepts("Shop", "Orders_2024"));
  CHECK(f.accepts("a", "b"));
}

TEST_CASE("a single table", "[table_filter]") {
  const TableFilter f = make(R"(test\.commission)");
  CHECK(f.accepts("test", "commission"));
  CHECK_FALSE(f.accepts("test", "commission2"));
  CHECK_FALSE(f.accepts("test", "other"));
  CHECK_FALSE(f.accepts("other", "commission"));
  CHECK_FALSE(f.accepts("xtest", "commission"));
}

TEST_CASE("every table of one schema", "[table_filter]") {
  const TableFilter f = make(R"(test\..*)");
  CHECK(f.accepts("test", "commission"));
  CHECK(f.accepts("test", "t"));
  CHECK_FALSE(f.accepts("test2", "commission"));
  CHECK_FALSE(f.accepts("shop", "test"));
}

TEST_CASE("the match is a full match, not a search", "[table_filter]") {
  CHECK_FALSE(make(R"(test\.comm)").accepts("test", "commission"));
  CHECK_FALSE(make(R"(est\.commission)").accepts("test", "commission"));
  CHECK_FALSE(make(R"(test)").accepts("test", "commission"));
  CHECK(make(R"(test\.comm.*)").accepts("test", "commission"));
}

TEST_CASE("comma pieces are trimmed and empty ones dropped", "[table_filter]") {
  const TableFilter f = make(" test\\.commission ,\tshop\\..* ,, , ");
  CHECK(f.accepts("test", "commission"));
  CHECK(f.accepts("shop", "orders"));
  CHECK_FALSE(f.accepts("test", "other"));
  CHECK_FALSE(f.accepts("crm", "orders"));
}

TEST_CASE("matching ignores case on both sides", "[table_filter]") {
  CHECK(make(R"(test\.commission)").accepts("TEST", "Commission"));
  CHECK(make(R"(TEST\.COMMISSION)").accepts("test", "commission"));
  CHECK(make(R"(test\.[A-C]x)").accepts("Test", "bX"));
  CHECK_FALSE(make(R"(test\.[A-C]x)").accepts("test", "dx"));
}

TEST_CASE("a piece that is a prefix of another does not shadow it",
          "[table_filter]") {
  // ORO needed canal's longest-first sort for this; a full match does not.
  for (const char* white :
       {R"(test\.comm,test\.commission)", R"(test\.commission,test\.comm)",
        R"(test\.comm|test\.commission)"}) {
    INFO(white);
    const TableFilter f = make(white);
    CHECK(f.accepts("test", "commission"));
    CHECK(f.accepts("test", "comm"));
    CHECK_FALSE(f.accepts("test", "commissions"));
  }
  // canal's own example for its `^...$` wrapping: foooo|f.*t on fooooot.
  const TableFilter example = make("foooo,f.*t");
  CHECK(example.accepts("foooo", "t"));
  CHECK_FALSE(example.accepts("foooo", "x"));
}

TEST_CASE("the black list overrides the white list", "[table_filter]") {
  const TableFilter f = make(R"(test\..*)", R"(test\.secret.*, test\.tmp)");
  CHECK(f.accepts("test", "commission"));
  CHECK_FALSE(f.accepts("test", "secrets"));
  CHECK_FALSE(f.accepts("TEST", "Tmp"));
  CHECK(f.accepts("test", "tmp2"));  // black pieces are full matches too
  CHECK_FALSE(f.accepts("shop", "orders"));  // still not white
}

TEST_CASE("empty lists: white accepts all, black rejects none",
          "[table_filter]") {
  CHECK(make("").accepts("any", "table"));
  CHECK(make(" , ,").accepts("any", "table"));
  CHECK(TableFilter().accepts("any", "table"));

  const TableFilter black_only = make("", R"(mysql\..*)");
  CHECK(black_only.accepts("test", "commission"));
  CHECK_FALSE(black_only.accepts("mysql", "user"));
}

TEST_CASE("Perl anchors and (?i) are accepted as canal accepts them",
          "[table_filter]") {
  const TableFilter f = make(R"(\Atest\.commission\Z, (?i)shop\..*)");
  CHECK(f.accepts("test", "commission"));
  CHECK_FALSE(f.accepts("test", "commissionz"));
  CHECK(f.accepts("SHOP", "orders"));
  CHECK_FALSE(f.accepts("ashop", "orders"));
}

TEST_CASE("an invalid piece names the key, the piece and the problem",
          "[table_filter]") {
  auto white = TableFilter::create(R"(test\..*, test\.(commission)", "");
  REQUIRE_FALSE(white.has_value());
  CHECK(white.error().code == Errc::kUsage);
  const std::string& m = white.error().message;
  INFO(m);
  CHECK(m.starts_with("canal.instance.filter.regex: "));
  CHECK(m.find(R"("test\.(commission")") != std::string::npos);
  CHECK(m.find("piece 2 of 2") != std::string::npos);
  CHECK(m.find("not a valid regular expression") != std::string::npos);

  auto black = TableFilter::create(R"(.*\..*)", "[abc");
  REQUIRE_FALSE(black.has_value());
  CHECK(black.error().message.starts_with(
      "canal.instance.filter.black.regex: piece 1 of 1 \"[abc\""));

  auto custom = TableFilter::create("*", "", "--filter", "--black");
  REQUIRE_FALSE(custom.has_value());
  CHECK(custom.error().message.starts_with("--filter: "));
}

TEST_CASE("errors hint at comma splitting and Perl modifiers",
          "[table_filter]") {
  auto brace = TableFilter::create(R"(test\.t{1,3})", "");
  REQUIRE_FALSE(brace.has_value());
  INFO(brace.error().message);
  CHECK(brace.error().message.find(R"("test\.t{1")") != std::string::npos);
  CHECK(brace.error().message.find("split on ','") != std::string::npos);

  auto modifier = TableFilter::create(R"((?s)test\..*)", "");
  REQUIRE_FALSE(modifier.has_value());
  INFO(modifier.error().message);
  CHECK(modifier.error().message.find("inline modifiers") != std::string::npos);
}

}  // namespace
}  // namespace sluice::pipeline
