#include "binlog/json_diff.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "binlog/json_binary.h"

namespace sluice::binlog {
namespace {

using ByteVec = std::vector<std::byte>;

ByteVec bytes_of(std::initializer_list<int> values) {
  ByteVec out;
  for (const int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

void append_text(ByteVec& b, std::string_view s) {
  for (const char c : s) b.push_back(static_cast<std::byte>(c));
}

// Json_diff::write_binary() for paths and values shorter than 251 bytes
// (one-byte length-encoded integers).
void add_diff(ByteVec& v, uint8_t op, std::string_view path,
              const ByteVec& value = {}) {
  v.push_back(static_cast<std::byte>(op));
  v.push_back(static_cast<std::byte>(path.size()));
  append_text(v, path);
  if (op == 2) return;
  v.push_back(static_cast<std::byte>(value.size()));
  v.insert(v.end(), value.begin(), value.end());
}

// {"age": 25, "data": "xxxxxxxxxx", "name": "Joe"} as MySQL serializes it:
// a small object with keys sorted by length, then bytes.
ByteVec person_doc() {
  ByteVec d = bytes_of({0x00,                    // small object
                        0x03, 0x00, 0x33, 0x00,  // 3 members, 51 bytes
                        0x19, 0x00, 0x03, 0x00,  // "age" at 25
                        0x1c, 0x00, 0x04, 0x00,  // "data" at 28
                        0x20, 0x00, 0x04, 0x00,  // "name" at 32
                        0x05, 0x19, 0x00,        // int16 25, inlined
                        0x0c, 0x24, 0x00,        // string at 36
                        0x0c, 0x2f, 0x00});      // string at 47
  append_text(d, "agedataname");
  d.push_back(std::byte{0x0a});
  append_text(d, "xxxxxxxxxx");
  d.push_back(std::byte{0x03});
  append_text(d, "Joe");
  return d;
}

// [1, 2, 3] as a small array of inlined int16 values.
ByteVec array_doc() {
  return bytes_of({0x02, 0x03, 0x00, 0x0d, 0x00, 0x05, 0x01, 0x00, 0x05, 0x02,
                   0x00, 0x05, 0x03, 0x00});
}

// {"k": "v"}
const ByteVec kObjectValue =
    bytes_of({0x00, 0x01, 0x00, 0x0e, 0x00, 0x0b, 0x00, 0x01, 0x00, 0x0c, 0x0c,
              0x00, 0x6b, 0x01, 0x76});

ByteVec int16_value(int v) {
  return bytes_of({0x05, v & 0xff, (v >> 8) & 0xff});
}

ByteVec string_value(std::string_view s) {
  ByteVec b = bytes_of({0x0c, static_cast<int>(s.size())});
  append_text(b, s);
  return b;
}

// The binlog vector from MySQL 8.0.22: REPLACE $.age with int16 26.
const ByteVec kReplaceAge = bytes_of(
    {0x00, 0x05, 0x24, 0x2e, 0x61, 0x67, 0x65, 0x03, 0x05, 0x1a, 0x00});

std::vector<JsonDiff> parse(const ByteVec& column) {
  auto diffs = parse_json_diffs(column);
  if (!diffs) FAIL(diffs.error().message);
  return *diffs;
}

std::string to_text(const ByteVec& column) {
  std::string out;
  const auto status = json_diffs_to_text(parse(column), "@2", out);
  if (!status) FAIL(status.error().message);
  return out;
}

std::string apply_text(const ByteVec& before, const ByteVec& column) {
  std::string out;
  const auto status = apply_json_diffs(before, parse(column), out);
  if (!status) FAIL(status.error().message);
  return out;
}

Error apply_error(const ByteVec& before, const ByteVec& column) {
  std::string out = "keep";
  const auto status = apply_json_diffs(before, parse(column), out);
  REQUIRE_FALSE(status);
  CHECK(out == "keep");
  return status.error();
}

TEST_CASE("json diff from MySQL 8.0.22 parses", "[json_diff]") {
  const auto diffs = parse(kReplaceAge);
  REQUIRE(diffs.size() == 1);
  CHECK(diffs[0].op == JsonDiff::Op::kReplace);
  CHECK(diffs[0].path == "$.age");
  CHECK(ByteVec(diffs[0].value.begin(), diffs[0].value.end()) ==
        int16_value(26));
}

TEST_CASE("json diff from MySQL 8.0.22 prints as mysqlbinlog does",
          "[json_diff]") {
  CHECK(to_text(kReplaceAge) == "JSON_REPLACE(@2, '$.age', 26)");
}

TEST_CASE("json diff from MySQL 8.0.22 applies", "[json_diff]") {
  std::string before;
  REQUIRE(json_binary_to_text(person_doc(), before));
  CHECK(before == "{\"age\": 25, \"data\": \"xxxxxxxxxx\", \"name\": \"Joe\"}");
  CHECK(apply_text(person_doc(), kReplaceAge) ==
        "{\"age\": 26, \"data\": \"xxxxxxxxxx\", \"name\": \"Joe\"}");
}

TEST_CASE("json diff truncated prefixes fail", "[json_diff]") {
  ByteVec column = kReplaceAge;
  add_diff(column, 1, "$.b", string_value("long enough"));
  add_diff(column, 2, "$.data");
  REQUIRE(parse(column).size() == 3);
  size_t boundary_a = kReplaceAge.size();
  size_t boundary_b = boundary_a + 1 + 1 + 3 + 1 + 13;
  for (size_t len = 1; len < column.size(); ++len) {
    if (len == boundary_a || len == boundary_b) continue;
    INFO("prefix of " << len << " bytes");
    const auto diffs = parse_json_diffs(Bytes(column).first(len));
    CHECK_FALSE(diffs);
  }
}

TEST_CASE("json diff applied to truncated documents fails", "[json_diff]") {
  const ByteVec before = person_doc();
  const auto diffs = parse(kReplaceAge);
  for (size_t len = 0; len < before.size(); ++len) {
    INFO("prefix of " << len << " bytes");
    std::string out;
    CHECK_FALSE(apply_json_diffs(Bytes(before).first(len), diffs, out));
    CHECK(out.empty());
  }
}

TEST_CASE("json diff empty vector", "[json_diff]") {
  CHECK(parse({}).empty());
  CHECK(to_text({}) == "@2");
  CHECK(apply_text(array_doc(), {}) == "[1, 2, 3]");
}

TEST_CASE("json diffs nest and group like mysqlbinlog", "[json_diff]") {
  ByteVec column;
  add_diff(column, 0, "$.a", int16_value(1));
  add_diff(column, 0, "$.b", int16_value(2));
  add_diff(column, 1, "$.c", string_value("x"));
  add_diff(column, 2, "$.d");
  add_diff(column, 1, "$.e[0]", int16_value(3));
  add_diff(column, 2, "$.f");
  add_diff(column, 2, "$.g");
  CHECK(to_text(column) ==
        "JSON_REMOVE(JSON_ARRAY_INSERT(JSON_REMOVE(JSON_INSERT(JSON_REPLACE("
        "@2, '$.a', 1, '$.b', 2), '$.c', 'x'), '$.d'), '$.e[0]', 3), '$.f', "
        "'$.g')");
}

TEST_CASE("json diff brief example", "[json_diff]") {
  ByteVec column;
  add_diff(column, 0, "$.a", int16_value(1));
  add_diff(column, 1, "$.b", int16_value(2));
  CHECK(to_text(column) == "JSON_INSERT(JSON_REPLACE(@2, '$.a', 1), '$.b', 2)");
}

TEST_CASE("json diff values print as mysqlbinlog prints them", "[json_diff]") {
  auto one = [](const ByteVec& value) {
    ByteVec column;
    add_diff(column, 0, "$.v", value);
    return to_text(column);
  };
  CHECK(one(string_value("it's\n\\ \x01")) ==
        "JSON_REPLACE(@2, '$.v', 'it\\'s\\n\\\\ \\x01')");
  CHECK(one(string_value("say \"hi\"")) ==
        "JSON_REPLACE(@2, '$.v', 'say \"hi\"')");
  CHECK(one(kObjectValue) ==
        "JSON_REPLACE(@2, '$.v', CAST('{\"k\": \"v\"}' AS JSON))");
  CHECK(one(array_doc()) ==
        "JSON_REPLACE(@2, '$.v', CAST('[1, 2, 3]' AS JSON))");
  CHECK(one(bytes_of({0x04, 0x00})) == "JSON_REPLACE(@2, '$.v', null)");
  CHECK(one(bytes_of({0x04, 0x01})) == "JSON_REPLACE(@2, '$.v', true)");
  CHECK(one({}) == "JSON_REPLACE(@2, '$.v', null)");
  CHECK(one(bytes_of({0x0b, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f})) ==
        "JSON_REPLACE(@2, '$.v', 1.5)");
  CHECK(one(bytes_of({0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})) ==
        "JSON_REPLACE(@2, '$.v', 18446744073709551615)");
  CHECK(one(bytes_of({0x0f, 0xf6, 0x06, 0x06, 0x03, 0x80, 0x7b, 0x01, 0xc8})) ==
        "JSON_REPLACE(@2, '$.v', 123.456)");
  CHECK(one(bytes_of({0x0f, 0x0a, 0x08, 0, 0, 0, 0, 0, 0xe4, 0x8b, 0x19})) ==
        "JSON_REPLACE(@2, '$.v', '2012-03-18')");
  CHECK(one(bytes_of({0x0f, 0x0f, 0x01, 0x55})) ==
        "JSON_REPLACE(@2, '$.v', 'base64:type15:VQ==')");
}

TEST_CASE("json diff path is printed SQL-quoted", "[json_diff]") {
  ByteVec column;
  add_diff(column, 2, "$.\"it's\"");
  CHECK(to_text(column) == "JSON_REMOVE(@2, '$.\"it\\'s\"')");
}

TEST_CASE("json diff to_text rejects a bad value", "[json_diff]") {
  ByteVec column;
  add_diff(column, 0, "$.v", bytes_of({0x0d}));
  std::string out = "keep";
  const auto status = json_diffs_to_text(parse(column), "@2", out);
  REQUIRE_FALSE(status);
  CHECK(status.error().code == Errc::kCorrupt);
  CHECK(out == "keep");
}

TEST_CASE("json diff INSERT places keys in MySQL order", "[json_diff]") {
  ByteVec column;
  add_diff(column, 1, "$.b", int16_value(1));
  add_diff(column, 1, "$.aaaa", int16_value(2));
  add_diff(column, 1, "$.zzzz", int16_value(3));
  add_diff(column, 1, "$.\"key with space\"", kObjectValue);
  CHECK(apply_text(person_doc(), column) ==
        "{\"b\": 1, \"age\": 25, \"aaaa\": 2, \"data\": \"xxxxxxxxxx\", "
        "\"name\": \"Joe\", \"zzzz\": 3, \"key with space\": {\"k\": \"v\"}}");
}

TEST_CASE("json diff INSERT into arrays", "[json_diff]") {
  ByteVec column;
  add_diff(column, 1, "$[1]", int16_value(9));
  add_diff(column, 1, "$[10]", int16_value(10));
  add_diff(column, 1, "$[last]", int16_value(11));
  add_diff(column, 1, "$[ 0 ]", string_value("first"));
  CHECK(apply_text(array_doc(), column) == "[\"first\", 1, 9, 2, 3, 11, 10]");
}

TEST_CASE("json diff REMOVE and nested REPLACE", "[json_diff]") {
  ByteVec column;
  add_diff(column, 2, "$[0]");
  add_diff(column, 2, "$[last]");
  add_diff(column, 0, "$[last-0]", kObjectValue);
  add_diff(column, 0, "$[0].k", array_doc());
  add_diff(column, 0, "$[0].\"k\"[2]", string_value("three"));
  add_diff(column, 1, "$[0].new", int16_value(-1));
  add_diff(column, 2, "$[0].k[0]");
  CHECK(apply_text(array_doc(), column) ==
        "[{\"k\": [2, \"three\"], \"new\": -1}]");
}

TEST_CASE("json diff REPLACE of the whole document", "[json_diff]") {
  ByteVec column;
  add_diff(column, 0, "$", string_value("all"));
  CHECK(apply_text(person_doc(), column) == "\"all\"");
}

TEST_CASE("json diffs that do not fit the document", "[json_diff]") {
  auto error_for = [](uint8_t op, std::string_view path) {
    ByteVec column;
    add_diff(column, op, path, int16_value(1));
    return apply_error(person_doc(), column);
  };
  const Error missing = error_for(0, "$.missing");
  CHECK(missing.code == Errc::kCorrupt);
  CHECK(missing.message.find("$.missing") != std::string::npos);
  CHECK(error_for(0, "$[0]").code == Errc::kCorrupt);
  CHECK(error_for(1, "$.age").code == Errc::kCorrupt);
  CHECK(error_for(1, "$.age.x").code == Errc::kCorrupt);
  CHECK(error_for(1, "$[0]").code == Errc::kCorrupt);
  CHECK(error_for(1, "$").code == Errc::kCorrupt);
  CHECK(error_for(2, "$.missing").code == Errc::kCorrupt);
  CHECK(error_for(2, "$").code == Errc::kCorrupt);
  ByteVec column;
  add_diff(column, 2, "$[3]");
  CHECK(apply_error(array_doc(), column).code == Errc::kCorrupt);
}

TEST_CASE("json diff paths outside the diff syntax", "[json_diff]") {
  for (const std::string_view path :
       {"$.*", "$[*]", "$**.a", "$[1 to 2]", "a.b", "$.", "$[", "$[x]",
        "$.\"open", "$.\"bad\\q\"", "$[99999999999999999999999]"}) {
    ByteVec column;
    add_diff(column, 2, path);
    const Error e = apply_error(person_doc(), column);
    INFO(path);
    CHECK(e.code == Errc::kUnsupported);
    CHECK(e.message.find(std::string(path)) != std::string::npos);
  }
}

TEST_CASE("json diff quoted keys unescape", "[json_diff]") {
  ByteVec column;
  add_diff(column, 1, "$.\"a\\\"b\\u00e9\\ud83d\\ude00\"", int16_value(1));
  std::string expected = "{\"a\\\"b\xc3\xa9\xf0\x9f\x98\x80\": 1}";
  CHECK(apply_text(bytes_of({0x00, 0x00, 0x00, 0x04, 0x00}), column) ==
        expected);
}

TEST_CASE("json diff rejects malformed vectors", "[json_diff]") {
  auto code_of = [](const ByteVec& column) {
    const auto diffs = parse_json_diffs(column);
    REQUIRE_FALSE(diffs);
    return diffs.error().code;
  };
  CHECK(code_of(bytes_of({0x03, 0x01, 0x24})) == Errc::kCorrupt);
  CHECK(code_of(bytes_of({0x02, 0x00})) == Errc::kCorrupt);
  CHECK(code_of(bytes_of({0x02, 0xfb})) == Errc::kCorrupt);
  CHECK(code_of(bytes_of({0x02, 0x05, 0x24})) == Errc::kTruncated);
}

}  // namespace
}  // namespace sluice::binlog
