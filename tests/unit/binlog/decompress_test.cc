// MariaDB COMPRESSED column values, with bytes taken from a MariaDB 10.11
// binlog (VARCHAR(300) COMPRESSED holding REPEAT('abc ', 60), and 'short').
#include "binlog/decompress.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace sluice::binlog {
namespace {

std::vector<std::byte> bytes(std::initializer_list<int> v) {
  std::vector<std::byte> out;
  for (int b : v) out.push_back(static_cast<std::byte>(b));
  return out;
}

std::string text(const std::vector<std::byte>& b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST_CASE("compressed column values inflate", "[decompress]") {
  std::vector<std::byte> out;
  const auto deflated =
      bytes({0x89, 0xf0, 0x4b, 0x4c, 0x4a, 0x56, 0x48, 0x1c, 0x41, 0x18, 0x00});
  REQUIRE(maria_column_uncompress(deflated, out));
  CHECK(text(out) == repeat("abc ", 60));

  REQUIRE(maria_column_uncompress(bytes({0x00, 's', 'h', 'o', 'r', 't'}), out));
  CHECK(text(out) == "short");

  REQUIRE(maria_column_uncompress({}, out));
  CHECK(out.empty());
}

TEST_CASE("damaged compressed column values are errors", "[decompress]") {
  std::vector<std::byte> out;
  const auto deflated =
      bytes({0x89, 0xf0, 0x4b, 0x4c, 0x4a, 0x56, 0x48, 0x1c, 0x41, 0x18, 0x00});
  for (size_t n = 1; n < deflated.size(); ++n) {
    INFO("prefix of " << n << " bytes");
    CHECK_FALSE(maria_column_uncompress(Bytes(deflated).first(n), out));
  }
  auto wrong_length = deflated;
  wrong_length[1] = std::byte{0xf1};
  CHECK_FALSE(maria_column_uncompress(wrong_length, out));
  CHECK_FALSE(maria_column_uncompress(bytes({0x40, 0x01}), out));
}

}  // namespace
}  // namespace sluice::binlog
