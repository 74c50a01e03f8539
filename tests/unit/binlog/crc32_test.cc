// The folding CRC32 equals zlib's for every length and alignment.
#include <zlib.h>

#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include "binlog/checksum.h"
#include "binlog/crc32_pclmul.h"

namespace sluice::binlog {
namespace {

TEST_CASE("fast CRC32 matches zlib", "[crc32]") {
  std::mt19937 rng(12345);
  std::vector<std::byte> data(9000);
  for (auto& b : data) b = static_cast<std::byte>(rng());
  for (const size_t offset : {size_t{0}, size_t{1}, size_t{7}, size_t{15}}) {
    for (size_t len = 0; len + offset <= data.size();
         len += (len < 300 ? 1 : 97)) {
      const Bytes span(data.data() + offset, len);
      const auto expected = static_cast<uint32_t>(crc32(
          crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(span.data()),
          static_cast<uInt>(span.size())));
      INFO("offset " << offset << " length " << len);
      REQUIRE(crc32_of(span) == expected);
      REQUIRE(crc32_update_fast(0xdeadbeef, span) ==
              static_cast<uint32_t>(
                  crc32(0xdeadbeef, reinterpret_cast<const Bytef*>(span.data()),
                        static_cast<uInt>(span.size()))));
    }
  }
}

}  // namespace
}  // namespace sluice::binlog
