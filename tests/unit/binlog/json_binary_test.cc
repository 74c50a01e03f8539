#include "binlog/json_binary.h"

#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace sluice::binlog {
namespace {

using ByteVec = std::vector<std::byte>;

// A binary JSON value as the builders below lay it out: the type byte and
// the bytes that follow it, exactly as MySQL's serializer writes them.
struct Value {
  uint8_t type;
  ByteVec bytes;
};
using Members = std::vector<std::pair<std::string, Value>>;

void put_le(ByteVec& b, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    b.push_back(static_cast<std::byte>((v >> (8 * i)) & 0xff));
  }
}

void set_le(ByteVec& b, size_t pos, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    b[pos + i] = static_cast<std::byte>((v >> (8 * i)) & 0xff);
  }
}

ByteVec bytes_of(std::initializer_list<int> values) {
  ByteVec out;
  for (const int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

void put_varlen(ByteVec& b, size_t n) {
  do {
    uint8_t c = n & 0x7f;
    n >>= 7;
    if (n != 0) c |= 0x80;
    b.push_back(static_cast<std::byte>(c));
  } while (n != 0);
}

Value literal(uint8_t v) { return {0x04, bytes_of({v})}; }
Value null_v() { return literal(0); }
Value true_v() { return literal(1); }
Value false_v() { return literal(2); }

Value number(uint8_t type, uint64_t raw, size_t n) {
  Value v{type, {}};
  put_le(v.bytes, raw, n);
  return v;
}
Value int16(int16_t x) { return number(0x05, static_cast<uint16_t>(x), 2); }
Value uint16(uint16_t x) { return number(0x06, x, 2); }
Value int32(int32_t x) { return number(0x07, static_cast<uint32_t>(x), 4); }
Value uint32(uint32_t x) { return number(0x08, x, 4); }
Value int64(int64_t x) { return number(0x09, static_cast<uint64_t>(x), 8); }
Value uint64(uint64_t x) { return number(0x0a, x, 8); }
Value dbl(double x) { return number(0x0b, std::bit_cast<uint64_t>(x), 8); }

Value str(std::string_view s) {
  Value v{0x0c, {}};
  put_varlen(v.bytes, s.size());
  for (const char c : s) v.bytes.push_back(static_cast<std::byte>(c));
  return v;
}

Value opaque(uint8_t field_type, const ByteVec& data) {
  Value v{0x0f, bytes_of({field_type})};
  put_varlen(v.bytes, data.size());
  v.bytes.insert(v.bytes.end(), data.begin(), data.end());
  return v;
}

bool inlined(uint8_t type, bool large) {
  return type == 0x04 || type == 0x05 || type == 0x06 ||
         (large && (type == 0x07 || type == 0x08));
}

// serialize_json_object()/serialize_json_array(): header, key entries,
// value entries, keys, then the values that are not inlined.
Value container(bool object, bool large, const Members& members) {
  const size_t w = large ? 4 : 2;
  const size_t n = members.size();
  ByteVec b(2 * w + (object ? n * (w + 2) : 0) + n * (1 + w));
  set_le(b, 0, n, w);
  size_t pos = 2 * w;
  if (object) {
    for (const auto& [key, value] : members) {
      set_le(b, pos, b.size(), w);
      set_le(b, pos + w, key.size(), 2);
      for (const char c : key) b.push_back(static_cast<std::byte>(c));
      pos += w + 2;
    }
  }
  for (const auto& [key, value] : members) {
    b[pos] = static_cast<std::byte>(value.type);
    if (inlined(value.type, large)) {
      for (size_t i = 0; i < value.bytes.size(); ++i) {
        b[pos + 1 + i] = value.bytes[i];
      }
    } else {
      set_le(b, pos + 1, b.size(), w);
      b.insert(b.end(), value.bytes.begin(), value.bytes.end());
    }
    pos += 1 + w;
  }
  set_le(b, w, b.size(), w);
  const uint8_t type = object ? (large ? 0x01 : 0x00) : (large ? 0x03 : 0x02);
  return {type, b};
}

Value object(const Members& members, bool large = false) {
  return container(true, large, members);
}

Value array(const std::vector<Value>& elements, bool large = false) {
  Members members;
  for (const Value& e : elements) members.emplace_back("", e);
  return container(false, large, members);
}

ByteVec doc(const Value& v) {
  ByteVec out(1 + v.bytes.size());
  out[0] = static_cast<std::byte>(v.type);
  std::copy(v.bytes.begin(), v.bytes.end(), out.begin() + 1);
  return out;
}

// Every proper, non-empty prefix of a valid document must fail and leave the
// output alone (the empty prefix is the null document).
void check_prefixes_fail(const ByteVec& d) {
  for (size_t len = 1; len < d.size(); ++len) {
    std::string out = "keep";
    const auto status = json_binary_to_text(Bytes(d).first(len), out);
    INFO("prefix of " << len << " of " << d.size() << " bytes");
    CHECK_FALSE(status);
    CHECK(out == "keep");
  }
}

std::string render(const ByteVec& d) {
  std::string out;
  const auto status = json_binary_to_text(d, out);
  if (!status) FAIL(status.error().message);
  check_prefixes_fail(d);
  return out;
}

std::string render(const Value& v) { return render(doc(v)); }

std::string render_bare(const Value& v) {
  const ByteVec d = doc(v);
  const auto parsed = parse_json_binary(d);
  REQUIRE(parsed);
  std::string out;
  REQUIRE(append_json_binary(*parsed, false, out));
  return out;
}

Error render_error(const ByteVec& d) {
  std::string out = "keep";
  const auto status = json_binary_to_text(d, out);
  REQUIRE_FALSE(status);
  CHECK(out == "keep");
  return status.error();
}

const ByteVec kDatePacked = bytes_of({0, 0, 0, 0, 0, 0xe4, 0x8b, 0x19});
const ByteVec kDatetimePacked =
    bytes_of({0, 0, 0, 0xad, 0xb7, 0xe4, 0x8b, 0x19});
const ByteVec kTimePacked =
    bytes_of({0xf1, 0xfb, 0x09, 0xee, 0x77, 0x05, 0, 0});

ByteVec packed_le(int64_t v) {
  ByteVec b;
  put_le(b, static_cast<uint64_t>(v), 8);
  return b;
}

TEST_CASE("json literals", "[json_binary]") {
  CHECK(render(null_v()) == "null");
  CHECK(render(true_v()) == "true");
  CHECK(render(false_v()) == "false");
}

TEST_CASE("json empty document is null", "[json_binary]") {
  std::string out;
  REQUIRE(json_binary_to_text({}, out));
  CHECK(out == "null");
}

TEST_CASE("json integers", "[json_binary]") {
  CHECK(render(int16(-32768)) == "-32768");
  CHECK(render(int16(26)) == "26");
  CHECK(render(uint16(65535)) == "65535");
  CHECK(render(int32(std::numeric_limits<int32_t>::min())) == "-2147483648");
  CHECK(render(uint32(4000000000U)) == "4000000000");
  CHECK(render(int64(std::numeric_limits<int64_t>::min())) ==
        "-9223372036854775808");
  CHECK(render(uint64(std::numeric_limits<uint64_t>::max())) ==
        "18446744073709551615");
}

TEST_CASE("json doubles print like my_gcvt", "[json_binary]") {
  CHECK(render(dbl(1.5)) == "1.5");
  CHECK(render(dbl(-2.25)) == "-2.25");
  CHECK(render(dbl(1e300)) == "1e300");
  CHECK(render(dbl(-1e300)) == "-1e300");
  CHECK(render(dbl(1.5e-300)) == "1.5e-300");
  CHECK(render(dbl(0.0)) == "0.0");
  CHECK(render(dbl(-0.0)) == "-0.0");
  CHECK(render(dbl(100.0)) == "100.0");
  CHECK(render(dbl(0.1)) == "0.1");
  CHECK(render(dbl(123.456)) == "123.456");
  CHECK(render(dbl(0.0001)) == "0.0001");
  CHECK(render(dbl(1e14)) == "100000000000000.0");
  CHECK(render(dbl(1e15)) == "1e15");
  CHECK(render(dbl(123456789012345.0)) == "123456789012345.0");
  CHECK(render(dbl(1234567890123456.0)) == "1.234567890123456e15");
  CHECK(render(dbl(1e-15)) == "0.000000000000001");
  CHECK(render(dbl(1.25e-15)) == "0.00000000000000125");
  CHECK(render(dbl(1e-16)) == "1e-16");
  CHECK(render(dbl(5e-324)) == "5e-324");
  CHECK(render(dbl(1.7976931348623157e308)) == "1.7976931348623157e308");
  CHECK(render(dbl(3.0e20)) == "3e20");
  CHECK(render(dbl(1e-7)) == "0.0000001");
  // dtoa() reports infinity as overflow and my_gcvt() prints "0".
  CHECK(render(dbl(std::numeric_limits<double>::infinity())) == "0.0");
}

TEST_CASE("json strings are escaped like double_quote()", "[json_binary]") {
  CHECK(render(str("")) == "\"\"");
  CHECK(render(str("plain")) == "\"plain\"");
  CHECK(render(str("a\"b\\c/d")) == "\"a\\\"b\\\\c/d\"");
  CHECK(render(str("\b\f\n\r\t")) == "\"\\b\\f\\n\\r\\t\"");
  CHECK(render(str(std::string("\x01\x1f\x7f", 3))) ==
        "\"\\u0001\\u001f\x7f\"");
  CHECK(render(str(std::string("nul\0x", 5))) == "\"nul\\u0000x\"");
  CHECK(render(str("h\xc3\xa9llo \xe2\x82\xac")) ==
        "\"h\xc3\xa9llo \xe2\x82\xac\"");
  const std::string long_text(200, 'x');  // two-byte variable length
  CHECK(render(str(long_text)) == "\"" + long_text + "\"");
}

TEST_CASE("json small object keeps stored key order", "[json_binary]") {
  const Value v = object(
      {{"a", int16(1)}, {"c", array({true_v(), null_v()})}, {"bb", str("x")}});
  CHECK(render(v) == "{\"a\": 1, \"c\": [true, null], \"bb\": \"x\"}");
}

TEST_CASE("json empty containers", "[json_binary]") {
  CHECK(render(object({})) == "{}");
  CHECK(render(array({})) == "[]");
  CHECK(render(object({}, true)) == "{}");
  CHECK(render(array({}, true)) == "[]");
}

std::vector<Value> every_scalar() {
  return {null_v(),
          true_v(),
          false_v(),
          int16(-1),
          uint16(65535),
          int32(-100000),
          uint32(4000000000U),
          int64(-5000000000),
          uint64(10000000000000000000ULL),
          dbl(2.5),
          str("s"),
          opaque(10, kDatePacked)};
}

constexpr std::string_view kEveryScalarText =
    "[null, true, false, -1, 65535, -100000, 4000000000, -5000000000, "
    "10000000000000000000, 2.5, \"s\", \"2012-03-18\"]";

TEST_CASE("json small array of every scalar", "[json_binary]") {
  CHECK(render(array(every_scalar())) == kEveryScalarText);
}

TEST_CASE("json large array inlines int32 and uint32", "[json_binary]") {
  const Value v = array(every_scalar(), true);
  CHECK(v.type == 0x03);
  CHECK(render(v) == kEveryScalarText);
}

TEST_CASE("json large object", "[json_binary]") {
  const Value v = object({{"k", int32(-7)},
                          {"n", null_v()},
                          {"s", str("text")},
                          {"arr", array({uint32(7), dbl(-0.5)}, true)}},
                         true);
  CHECK(v.type == 0x01);
  CHECK(render(v) ==
        "{\"k\": -7, \"n\": null, \"s\": \"text\", \"arr\": [7, -0.5]}");
}

TEST_CASE("json nested documents", "[json_binary]") {
  const Value v = object(
      {{"a",
        object({{"b", array({int16(1),
                             array({int16(2), object({{"c", str("d")}})})})}})},
       {"e\"scaped key", object({}, true)}});
  CHECK(render(v) ==
        "{\"a\": {\"b\": [1, [2, {\"c\": \"d\"}]]}, \"e\\\"scaped key\": {}}");
}

TEST_CASE("json nesting limit", "[json_binary]") {
  Value v = int16(1);
  for (int i = 0; i < 100; ++i) v = array({v});
  std::string out;
  REQUIRE(json_binary_to_text(doc(v), out));
  CHECK(out == std::string(100, '[') + "1" + std::string(100, ']'));
  v = array({v});
  CHECK(render_error(doc(v)).code == Errc::kCorrupt);
}

TEST_CASE("json opaque temporal values from MySQL 9.0.1", "[json_binary]") {
  CHECK(render(opaque(10, kDatePacked)) == "\"2012-03-18\"");
  CHECK(render(opaque(12, kDatetimePacked)) ==
        "\"2012-03-18 11:30:45.000000\"");
  CHECK(render(opaque(7, kDatetimePacked)) == "\"2012-03-18 11:30:45.000000\"");
  CHECK(render(opaque(11, kTimePacked)) == "\"87:31:46.654321\"");
}

TEST_CASE("json opaque temporal values built from fields", "[json_binary]") {
  const int64_t ymd = ((int64_t{1999} * 13 + 12) << 5) | 31;
  const int64_t hms = (int64_t{23} << 12) | (59 << 6) | 58;
  const int64_t datetime = (((ymd << 17) | hms) << 24) | 123456;
  CHECK(render(opaque(12, packed_le(datetime))) ==
        "\"1999-12-31 23:59:58.123456\"");
  const int64_t time = ((int64_t{838} << 12) | (59 << 6) | 59) << 24;
  CHECK(render(opaque(11, packed_le(-time))) == "\"-838:59:59.000000\"");
  CHECK(render(opaque(11, packed_le(-(int64_t{1} << 24 | 5)))) ==
        "\"-00:00:01.000005\"");
}

TEST_CASE("json opaque decimals from MySQL 9.0.1", "[json_binary]") {
  CHECK(render(opaque(246, bytes_of({0x06, 0x03, 0x80, 0x7b, 0x01, 0xc8}))) ==
        "123.456");
  CHECK(render(opaque(246, bytes_of({0x0b, 0x02, 0x80, 0x00, 0x00, 0x09,
                                     0x00}))) == "9.00");
  CHECK(render(array({opaque(246, bytes_of({0x0a, 0x02, 0x7f, 0xff, 0xff, 0xff,
                                            0xfe}))})) == "[-0.01]");
}

TEST_CASE("json opaque other types print as base64", "[json_binary]") {
  CHECK(render(opaque(15, bytes_of({0x55}))) == "\"base64:type15:VQ==\"");
  CHECK(render(opaque(252, {})) == "\"base64:type252:\"");
  ByteVec sixty;
  for (int i = 0; i < 60; ++i) sixty.push_back(static_cast<std::byte>(i));
  CHECK(render(opaque(249, sixty)) ==
        "\"base64:type249:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUm"
        "JygpKissLS4vMDEyMzQ1Njc4\\nOTo7\"");
}

TEST_CASE("json opaque VAR_STRING prints as a string", "[json_binary]") {
  CHECK(render(opaque(253, bytes_of({'a', '"', 'b'}))) == "\"a\\\"b\"");
}

TEST_CASE("json top-level values unquoted", "[json_binary]") {
  CHECK(render_bare(str("a\"b")) == "a\"b");
  CHECK(render_bare(opaque(10, kDatePacked)) == "2012-03-18");
  CHECK(render_bare(opaque(15, bytes_of({0x55}))) == "base64:type15:VQ==");
  CHECK(render_bare(array({str("x")})) == "[\"x\"]");
}

TEST_CASE("json rejects malformed values", "[json_binary]") {
  CHECK(render_error(bytes_of({0x0d, 0x00})).code == Errc::kCorrupt);
  CHECK(render_error(bytes_of({0x04, 0x03})).code == Errc::kCorrupt);
  // A variable length that never ends within 5 bytes.
  CHECK(
      render_error(bytes_of({0x0c, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00})).code ==
      Errc::kCorrupt);
  // A variable length above 4 GiB.
  CHECK(render_error(bytes_of({0x0c, 0xff, 0xff, 0xff, 0xff, 0x7f})).code ==
        Errc::kCorrupt);
  // Opaque temporal of 7 bytes, decimal with a bad size.
  CHECK(render_error(doc(opaque(10, bytes_of({0, 0, 0, 0, 0, 0, 0})))).code ==
        Errc::kCorrupt);
  CHECK(render_error(doc(opaque(246, bytes_of({0x06, 0x03, 0x80}))))
            .message.find("DECIMAL(6,3)") != std::string::npos);
  CHECK(render_error(doc(opaque(246, bytes_of({0x50, 0x00, 0x80})))).code ==
        Errc::kCorrupt);
}

TEST_CASE("json rejects broken container headers", "[json_binary]") {
  const ByteVec good = doc(object({{"a", str("xyz")}}));
  CHECK(render(good) == "{\"a\": \"xyz\"}");
  // Key offset pointing into the entries.
  ByteVec bad = good;
  set_le(bad, 1 + 4, 4, 2);
  CHECK(render_error(bad).code == Errc::kCorrupt);
  // Key running past the object.
  bad = good;
  set_le(bad, 1 + 6, 200, 2);
  CHECK(render_error(bad).code == Errc::kCorrupt);
  // Value offset pointing into the header.
  bad = good;
  set_le(bad, 1 + 9, 2, 2);
  CHECK(render_error(bad).code == Errc::kCorrupt);
  // Value offset past the object.
  bad = good;
  set_le(bad, 1 + 9, 300, 2);
  CHECK(render_error(bad).code == Errc::kCorrupt);
  // Element count whose header cannot fit in the declared size.
  bad = good;
  set_le(bad, 1, 5000, 2);
  CHECK(render_error(bad).code == Errc::kCorrupt);
  // Declared size beyond the document.
  bad = good;
  set_le(bad, 1 + 2, 1000, 2);
  CHECK(render_error(bad).code == Errc::kCorrupt);
}

TEST_CASE("json element access checks its index", "[json_binary]") {
  const ByteVec d = doc(array({int16(1)}));
  const auto v = parse_json_binary(d);
  REQUIRE(v);
  CHECK(json_binary_element(*v, 0).value().int_value == 1);
  CHECK_FALSE(json_binary_element(*v, 1));
  CHECK_FALSE(json_binary_key(*v, 0));
}

}  // namespace
}  // namespace sluice::binlog
