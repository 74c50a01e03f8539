// A binary JSON document whose entries share one child at every level would
// print 2^depth values; decoding must refuse it quickly instead.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "binlog/json_binary.h"
#include "binlog/json_diff.h"

namespace sluice::binlog {
namespace {

// Small arrays (type 0x02) nested `levels` deep, each with two entries that
// point at the same child array.
std::vector<std::byte> shared_children(int levels) {
  std::vector<uint8_t> data = {0, 0, 4, 0};  // innermost: empty array
  for (int i = 0; i < levels; ++i) {
    const size_t size = 10 + data.size();
    std::vector<uint8_t> outer = {2, 0, static_cast<uint8_t>(size & 0xff),
                                  static_cast<uint8_t>(size >> 8)};
    for (int e = 0; e < 2; ++e) outer.insert(outer.end(), {0x02, 10, 0});
    outer.insert(outer.end(), data.begin(), data.end());
    data = std::move(outer);
  }
  std::vector<std::byte> doc = {std::byte{0x02}};
  for (uint8_t b : data) doc.push_back(static_cast<std::byte>(b));
  return doc;
}

TEST_CASE("overlapping JSON values are refused, not expanded", "[json]") {
  std::string out;
  const auto small = shared_children(3);
  REQUIRE(json_binary_to_text(small, out));
  CHECK(out == "[[[[], []], [[], []]], [[[], []], [[], []]]]");

  const auto bomb = shared_children(60);
  out.clear();
  const Status s = json_binary_to_text(bomb, out);
  REQUIRE_FALSE(s);
  CHECK(s.error().code == Errc::kCorrupt);
  CHECK(out.empty());

  // The same document as the before image of a partial update.
  const std::vector<std::byte> diff = {std::byte{2},   std::byte{4},
                                       std::byte{'$'}, std::byte{'['},
                                       std::byte{'0'}, std::byte{']'}};
  auto diffs = parse_json_diffs(diff);
  REQUIRE(diffs);
  out.clear();
  CHECK_FALSE(apply_json_diffs(bomb, *diffs, out));
}

}  // namespace
}  // namespace sluice::binlog
