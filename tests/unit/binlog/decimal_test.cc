#include "binlog/decimal.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace sluice::binlog {
namespace {

std::vector<std::byte> bytes_of(std::initializer_list<int> values) {
  std::vector<std::byte> out;
  for (const int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

// An independent decimal2bin() for the tests: `digits` holds exactly
// precision digits (integer part then fraction), most significant first.
std::vector<std::byte> encode(const std::string& digits, bool negative,
                              unsigned precision, unsigned scale) {
  static constexpr unsigned kDig2Bytes[] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
  REQUIRE(digits.size() == precision);
  std::vector<std::byte> out;
  auto put = [&](const std::string& group) {
    if (group.empty()) return;
    const unsigned n = group.size() == 9 ? 4 : kDig2Bytes[group.size()];
    const uint64_t v = std::stoull(group);
    for (unsigned i = n; i > 0; --i) {
      out.push_back(static_cast<std::byte>((v >> (8 * (i - 1))) & 0xff));
    }
  };
  const unsigned intg = precision - scale;
  const unsigned lead = intg % 9;
  put(digits.substr(0, lead));
  for (unsigned i = lead; i < intg; i += 9) put(digits.substr(i, 9));
  const unsigned full_frac = scale - scale % 9;
  for (unsigned i = 0; i < full_frac; i += 9) put(digits.substr(intg + i, 9));
  put(digits.substr(intg + full_frac));
  out[0] ^= std::byte{0x80};
  if (negative) {
    for (std::byte& b : out) b = ~b;
  }
  return out;
}

// The text MySQL prints for those digits.
std::string expected_text(const std::string& digits, bool negative,
                          unsigned precision, unsigned scale) {
  const unsigned intg = precision - scale;
  std::string int_part = digits.substr(0, intg);
  const size_t first = int_part.find_first_not_of('0');
  int_part = first == std::string::npos ? "0" : int_part.substr(first);
  const bool zero = digits.find_first_not_of('0') == std::string::npos;
  std::string text = (negative && !(zero && scale == 0)) ? "-" : "";
  text += int_part;
  if (scale > 0) text += "." + digits.substr(intg);
  return text;
}

std::string to_text(const std::vector<std::byte>& raw, unsigned precision,
                    unsigned scale) {
  std::string out;
  const auto status = decimal_to_text(raw, precision, scale, out);
  INFO("precision " << precision << " scale " << scale);
  REQUIRE(status);
  return out;
}

TEST_CASE("decimal_binary_size follows dig2bytes", "[decimal]") {
  CHECK(decimal_binary_size(1, 0).value() == 1);
  CHECK(decimal_binary_size(5, 0).value() == 3);
  CHECK(decimal_binary_size(9, 0).value() == 4);
  CHECK(decimal_binary_size(10, 2).value() == 5);
  CHECK(decimal_binary_size(6, 3).value() == 4);
  CHECK(decimal_binary_size(11, 2).value() == 5);
  CHECK(decimal_binary_size(30, 10).value() == 14);
  CHECK(decimal_binary_size(65, 0).value() == 29);
  CHECK(decimal_binary_size(65, 30).value() == 30);
  CHECK(decimal_binary_size(18, 18).value() == 8);
}

TEST_CASE("decimal_binary_size rejects bad precision and scale", "[decimal]") {
  for (const auto& [p, s] : std::vector<std::pair<unsigned, unsigned>>{
           {0, 0}, {66, 0}, {5, 6}, {100, 2}}) {
    const auto size = decimal_binary_size(p, s);
    REQUIRE_FALSE(size);
    CHECK(size.error().code == Errc::kCorrupt);
    CHECK(size.error().message.find("DECIMAL(" + std::to_string(p) + "," +
                                    std::to_string(s) + ")") !=
          std::string::npos);
  }
}

TEST_CASE("decimal_to_text decodes hand-computed values", "[decimal]") {
  CHECK(to_text(bytes_of({0x80, 0xbc, 0x61, 0x4e, 0x5b}), 10, 2) ==
        "12345678.91");
  CHECK(to_text(bytes_of({0x7f, 0xff, 0xff, 0xff, 0xfe}), 10, 2) == "-0.01");
  CHECK(to_text(bytes_of({0x73, 0xeb, 0x65, 0x5b, 0xca, 0xf2, 0x04, 0xc7, 0x2d,
                          0xff, 0x43, 0x9e, 0xb1, 0xf6}),
                30, 10) == "-12345678901234567890.0123456789");
  CHECK(to_text(bytes_of({0x81, 0x86, 0x9f}), 5, 0) == "99999");
  CHECK(to_text(bytes_of({0x7f, 0xff, 0xfe}), 5, 0) == "-1");
  CHECK(to_text(bytes_of({0x80, 0x00, 0x00}), 5, 0) == "0");
  CHECK(to_text(bytes_of({0x80, 0x00, 0x00, 0x00, 0x00}), 10, 2) == "0.00");
}

TEST_CASE("decimal_to_text decodes MySQL 9.0.1 binlog values", "[decimal]") {
  CHECK(to_text(bytes_of({0x80, 0x7b, 0x01, 0xc8}), 6, 3) == "123.456");
  CHECK(to_text(bytes_of({0x80, 0x00, 0x00, 0x09, 0x00}), 11, 2) == "9.00");
}

TEST_CASE("decimal negative zero prints as decimal2string does", "[decimal]") {
  // All bytes of +0 inverted: the sign says negative, every digit is 0.
  CHECK(to_text(bytes_of({0x7f, 0xff, 0xff, 0xff, 0xff}), 10, 2) == "-0.00");
  CHECK(to_text(bytes_of({0x7f, 0xff, 0xff}), 5, 0) == "0");
}

TEST_CASE("decimal_to_text strips leading zero groups", "[decimal]") {
  // DECIMAL(20,0): a zero 2-digit leading group, a zero 9-digit group, then
  // 000000005.
  const auto raw = encode("00000000000000000005", false, 20, 0);
  CHECK(to_text(raw, 20, 0) == "5");
  CHECK(to_text(encode("00000000000000000005", true, 20, 0), 20, 0) == "-5");
  CHECK(to_text(encode("00100000000000000000", false, 20, 0), 20, 0) ==
        "100000000000000000");
  CHECK(to_text(encode("000000000000000000012", false, 21, 3), 21, 3) ==
        "0.012");
}

TEST_CASE("decimal_to_text round-trips every precision and scale",
          "[decimal]") {
  for (unsigned precision = 1; precision <= 65; ++precision) {
    for (const unsigned scale :
         {0U, 1U, precision / 2, precision > 30 ? 30U : precision, precision}) {
      if (scale > precision) continue;
      std::string nines(precision, '9');
      std::string mixed;
      for (unsigned i = 0; i < precision; ++i) {
        mixed.push_back(static_cast<char>('0' + (i * 7 + 3) % 10));
      }
      std::string small(precision, '0');
      small.back() = '1';
      for (const std::string& digits : {nines, mixed, small}) {
        for (const bool negative : {false, true}) {
          INFO("digits " << digits << (negative ? " negative" : ""));
          CHECK(to_text(encode(digits, negative, precision, scale), precision,
                        scale) ==
                expected_text(digits, negative, precision, scale));
        }
      }
    }
  }
}

TEST_CASE("decimal_to_text appends to existing text", "[decimal]") {
  std::string out = "x=";
  REQUIRE(decimal_to_text(bytes_of({0x81, 0x86, 0x9f}), 5, 0, out));
  CHECK(out == "x=99999");
}

TEST_CASE("decimal_to_text rejects a wrong length", "[decimal]") {
  const auto raw = bytes_of({0x80, 0xbc, 0x61, 0x4e, 0x5b});
  for (size_t len = 0; len < raw.size(); ++len) {
    std::string out = "keep";
    const auto status = decimal_to_text(Bytes(raw).first(len), 10, 2, out);
    REQUIRE_FALSE(status);
    CHECK(status.error().code == Errc::kCorrupt);
    CHECK(status.error().message.find("DECIMAL(10,2)") != std::string::npos);
    CHECK(out == "keep");
  }
  auto longer = raw;
  longer.push_back(std::byte{0});
  std::string out;
  CHECK_FALSE(decimal_to_text(longer, 10, 2, out));
}

TEST_CASE("decimal_to_text rejects groups out of range", "[decimal]") {
  std::string out;
  // DECIMAL(1,0) holds one digit; 0x0a is 10.
  auto status = decimal_to_text(bytes_of({0x8a}), 1, 0, out);
  REQUIRE_FALSE(status);
  CHECK(status.error().code == Errc::kCorrupt);
  // A full 9-digit group of 0x3b9aca00 = 1000000000.
  status = decimal_to_text(bytes_of({0xbb, 0x9a, 0xca, 0x00}), 9, 0, out);
  CHECK_FALSE(status);
  // Fraction leftover of 2 digits holding 100.
  status =
      decimal_to_text(bytes_of({0x80, 0x00, 0x00, 0x00, 0x64}), 10, 2, out);
  CHECK_FALSE(status);
  CHECK(out.empty());
}

TEST_CASE("decimal_to_text rejects bad precision", "[decimal]") {
  std::string out;
  const auto status = decimal_to_text(bytes_of({0x80}), 0, 0, out);
  REQUIRE_FALSE(status);
  CHECK(status.error().code == Errc::kCorrupt);
}

}  // namespace
}  // namespace sluice::binlog
