// The JSON path subset that MySQL writes into partial JSON update diffs
// (Json_path::to_string() in sql-common/json_path.cc, read back by
// parse_path() in Json_diff_vector::read_binary()): "$" followed by member
// legs (.key or ."quoted key" with JSON string escapes) and array cell legs
// ([n], [last], [last-n]). Diff paths never hold wildcards, ellipses or
// ranges; those are reported as unsupported.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace sluice::binlog {

struct JsonPathLeg {
  enum class Kind : uint8_t { kMember, kIndex, kFromEnd };
  Kind kind = Kind::kMember;
  std::string member;  // kMember: the unescaped key
  size_t index = 0;    // kIndex: n of [n]; kFromEnd: n of [last-n]

  // Json_path_leg::first_array_index(): the position this leg names in an
  // array of `size` elements, clamped to [0, size], and whether it lies
  // inside the array.
  [[nodiscard]] size_t position(size_t size) const;
  [[nodiscard]] bool within(size_t size) const { return index < size; }
};

// Parses `path`. Anything outside the subset above is kUnsupported naming the
// path and the byte offset.
[[nodiscard]] Result<std::vector<JsonPathLeg>> parse_json_path(
    std::string_view path);

}  // namespace sluice::binlog
