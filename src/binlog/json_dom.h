// A small mutable JSON DOM built from binary JSON, on which partial JSON
// update diffs are applied with the semantics of apply_json_diff() in
// sql/json_diff.cc (MySQL 8.0+). Scalars stay views into the binary bytes
// they were read from, so the DOM is valid only while those bytes are.
// Objects keep their members ordered as MySQL's Json_object does (shorter key
// first, equal lengths bytewise), so the text printed after an insert is the
// text MySQL would print for the updated document.
#pragma once

#include <string>
#include <vector>

#include "binlog/json_binary.h"
#include "binlog/json_path.h"
#include "common/bytes.h"
#include "common/error.h"

namespace sluice::binlog {

struct JsonMember;

struct JsonNode {
  enum class Kind : uint8_t { kScalar, kObject, kArray };
  Kind kind = Kind::kScalar;
  JsonBinaryValue scalar;           // kScalar: never an object or array
  std::vector<JsonMember> members;  // kObject, in MySQL key order
  std::vector<JsonNode> elements;   // kArray
};

struct JsonMember {
  std::string key;
  JsonNode value;
};

// Builds the DOM of the binary document `doc` (empty means null).
[[nodiscard]] Result<JsonNode> json_dom_from_binary(Bytes doc);

// REPLACE: the value at `path` must exist and becomes `value`; an empty path
// replaces the whole document. A missing target is kCorrupt.
[[nodiscard]] Status json_dom_replace(JsonNode& root,
                                      const std::vector<JsonPathLeg>& path,
                                      JsonNode value);

// INSERT: adds a member that must not exist yet to the object at the parent
// path, or inserts into the array there (an index past the end appends).
// Anything else, or an empty path, is kCorrupt.
[[nodiscard]] Status json_dom_insert(JsonNode& root,
                                     const std::vector<JsonPathLeg>& path,
                                     JsonNode value);

// REMOVE: deletes the existing member or array element at `path`; a missing
// target or an empty path is kCorrupt.
[[nodiscard]] Status json_dom_remove(JsonNode& root,
                                     const std::vector<JsonPathLeg>& path);

// Appends the JSON text of `node` in the format of json_binary_to_text().
// On error `out` is left as it was.
[[nodiscard]] Status append_json_dom(const JsonNode& node, std::string& out);

}  // namespace sluice::binlog
