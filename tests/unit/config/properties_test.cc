// java.util.Properties.load semantics on the constructs canal's files use:
// separators, comments, continuations, escapes (regexes), \uXXXX, CRLF, and
// Spring-style ${name:default} placeholders.
#include "config/properties.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

namespace sluice::config {
namespace {

PropertiesFile parsed(std::string_view text) {
  auto f = parse_properties(text, "conf/canal.properties");
  REQUIRE(f);
  return *f;
}

std::string value_of(const PropertiesFile& f, std::string_view key) {
  const Property* p = f.find(key);
  REQUIRE(p != nullptr);
  return p->value;
}

TEST_CASE("separators, blanks and comments", "[properties]") {
  const auto f = parsed(
      "# canal.properties\n"
      "! also a comment\n"
      "\n"
      "   canal.id = 1\n"
      "canal.serverMode:kafka\n"
      "canal.zkServers\t127.0.0.1:2181\n"
      "canal.mq.topic=  commission  \n"
      "canal.destinations=\n"
      "flag\n");
  REQUIRE(f.entries.size() == 6);
  CHECK(value_of(f, "canal.id") == "1");
  CHECK(value_of(f, "canal.serverMode") == "kafka");
  CHECK(value_of(f, "canal.zkServers") == "127.0.0.1:2181");
  CHECK(value_of(f, "canal.mq.topic") == "commission  ");  // Java keeps these
  CHECK(value_of(f, "canal.destinations").empty());
  CHECK(value_of(f, "flag").empty());
  CHECK(f.find("canal.properties") == nullptr);
  CHECK(f.entries[0].line == 4);
  CHECK(f.entries[5].line == 9);
}

TEST_CASE("continuation lines and their line numbers", "[properties]") {
  const auto f = parsed(
      "canal.mq.dynamicTopic=test\\\\.commission,\\\n"
      "    shop\\\\..*,\\\n"
      "\tlog\n"
      "# a comment ending in a backslash does not continue \\\n"
      "path=C:\\\\data\\\\\n"
      "next=1\n");
  CHECK(value_of(f, "canal.mq.dynamicTopic") ==
        "test\\.commission,shop\\..*,log");
  CHECK(value_of(f, "path") == "C:\\data\\");  // even backslashes: no join
  CHECK(f.find("next")->line == 6);
  CHECK(f.entries.size() == 3);
}

TEST_CASE("escapes: regexes, separators in keys, unicode, tabs",
          "[properties]") {
  const auto f = parsed(
      "canal.instance.filter.regex=.*\\\\..*\n"
      "canal.instance.filter.black.regex=mysql\\.slave_.*\n"
      "key\\ with\\ space=1\n"
      "a\\=b\\:c=2\n"
      "tab=x\\ty\n"
      "name=caf\\u00e9 \\uD83D\\uDE00\n"
      "upper=\\u00C9\n");
  CHECK(value_of(f, "canal.instance.filter.regex") == ".*\\..*");
  // A backslash before an ordinary character is dropped, as Java does.
  CHECK(value_of(f, "canal.instance.filter.black.regex") == "mysql.slave_.*");
  CHECK(value_of(f, "key with space") == "1");
  CHECK(value_of(f, "a=b:c") == "2");
  CHECK(value_of(f, "tab") == "x\ty");
  CHECK(value_of(f, "name") == "caf\xc3\xa9 \xf0\x9f\x98\x80");
  CHECK(value_of(f, "upper") == "\xc3\x89");
}

TEST_CASE("CRLF and CR line ends, the last duplicate wins", "[properties]") {
  const auto f = parsed("a=1\r\nb=2\rc=3\r\na=4");
  CHECK(value_of(f, "a") == "4");
  CHECK(value_of(f, "b") == "2");
  CHECK(value_of(f, "c") == "3");
  CHECK(f.find("c")->line == 3);
  CHECK(f.entries.size() == 4);
}

TEST_CASE("a malformed unicode escape names file, line and key",
          "[properties]") {
  auto f = parse_properties("ok=1\n\nbad=\\u12G4\n",
                            "conf/test/instance.properties");
  REQUIRE_FALSE(f);
  CHECK(f.error().code == Errc::kUsage);
  CHECK(f.error().message.find("conf/test/instance.properties:3: bad") == 0);
  CHECK(f.error().message.find("\\uXXXX") != std::string::npos);
}

TEST_CASE("placeholders: properties, defaults, nesting, errors",
          "[properties]") {
  const std::map<std::string, std::string, std::less<>> known = {
      {"canal.file.data.dir", "/var/lib/canal"},
      {"DEST", "test"},
      {"loop", "${loop}"},
      {"indirect", "${DEST}-x"}};
  const PlaceholderLookup lookup =
      [&](std::string_view name) -> std::optional<std::string> {
    auto it = known.find(name);
    if (it == known.end()) return std::nullopt;
    return it->second;
  };
  const std::string where = "conf/canal.properties:7: key";
  auto v =
      expand_placeholders("${canal.file.data.dir}/${DEST}/h2", lookup, where);
  REQUIRE(v);
  CHECK(*v == "/var/lib/canal/test/h2");
  v = expand_placeholders("${missing:../conf}/${nothing:}", lookup, where);
  REQUIRE(v);
  CHECK(*v == "../conf/");
  v = expand_placeholders("${missing:${indirect}}!", lookup, where);
  REQUIRE(v);
  CHECK(*v == "test-x!");
  v = expand_placeholders("no placeholders, $ and {} alone", lookup, where);
  REQUIRE(v);
  CHECK(*v == "no placeholders, $ and {} alone");

  auto unknown = expand_placeholders("${KAFKA_HOST}:9092", lookup, where);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message.find(where) == 0);
  CHECK(unknown.error().message.find("${KAFKA_HOST}") != std::string::npos);
  auto cycle = expand_placeholders("${loop}", lookup, where);
  REQUIRE_FALSE(cycle);
  CHECK(cycle.error().message.find("16 levels") != std::string::npos);
  CHECK_FALSE(expand_placeholders("${open", lookup, where));
}

TEST_CASE("values that multiply each other stop, not explode", "[properties]") {
  // a0 = 10 x a1, a1 = 10 x a2, ...: 10^15 substitutions if followed.
  const PlaceholderLookup lookup =
      [](std::string_view name) -> std::optional<std::string> {
    const int level =
        name.size() > 1 ? std::stoi(std::string(name.substr(1))) : 0;
    if (level >= 15) return "";
    std::string v;
    for (int i = 0; i < 10; ++i) v += "${a" + std::to_string(level + 1) + "}";
    return v;
  };
  auto v = expand_placeholders("${a0}", lookup, "f:1: k");
  REQUIRE_FALSE(v);
  CHECK(v.error().message.find("substitutions") != std::string::npos);
}

TEST_CASE("a missing file is an I/O error naming it", "[properties]") {
  auto f = read_properties("/nonexistent/conf/canal.properties");
  REQUIRE_FALSE(f);
  CHECK(f.error().code == Errc::kIo);
  CHECK(f.error().message.find("/nonexistent/conf/canal.properties") !=
        std::string::npos);
}

}  // namespace
}  // namespace sluice::config
