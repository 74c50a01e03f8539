// Reader and text renderer for MySQL's binary JSON format, the value of a JSON
// column (type 245) in row events. Implements json_binary::parse_binary() and
// Value::key()/element() of sql-common/json_binary.cc (MySQL 5.7+, see also
// the "JSON binary format" comment in sql-common/json_binary.h); the text is
// what Json_wrapper::to_string() (sql-common/json_dom.cc) prints, i.e. what
// `SELECT json_col` shows.
//
// A document is a type byte and then the value. An object or array holds its
// element count and byte size (2 bytes each in the small form, 4 in the
// large), for objects one key entry (offset, 2-byte length) per member, one
// value entry (type byte + offset from the container start, or the value
// itself for literals, int16 and uint16, and in the large form also int32 and
// uint32), then the keys and the values. Strings and opaque data carry a
// length in 7-bit groups, least significant first, at most 5 bytes. An empty
// document is the JSON null literal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/error.h"

namespace sluice::binlog {

// MySQL refuses documents nested deeper than this (JSON_DOCUMENT_MAX_DEPTH).
inline constexpr size_t kMaxJsonDepth = 100;
// A document's text is at most this many times its binary size (a string
// byte escaped as \u00XX is 6 characters; an inlined literal entry of 3
// bytes prints as `false, `); more means its values overlap.
inline constexpr size_t kMaxTextExpansion = 8;

// One value of a binary JSON document. `data` views the document bytes and is
// valid as long as they are.
struct JsonBinaryValue {
  enum class Kind : uint8_t {
    kObject,
    kArray,
    kNull,
    kTrue,
    kFalse,
    kInt,
    kUint,
    kDouble,
    kString,
    kOpaque,
  };
  Kind kind = Kind::kNull;
  bool large = false;       // kObject/kArray: 4-byte offsets and sizes
  uint8_t field_type = 0;   // kOpaque: MySQL field type of the data
  uint32_t count = 0;       // kObject/kArray: number of elements
  int64_t int_value = 0;    // kInt
  uint64_t uint_value = 0;  // kUint
  double double_value = 0;  // kDouble
  Bytes data;  // kObject/kArray: the container; kString/kOpaque: payload
};

// Parses the top-level value of `doc` (type byte first). Containers are
// checked for their header only; elements are checked as they are read.
[[nodiscard]] Result<JsonBinaryValue> parse_json_binary(Bytes doc);

// Key of member `i` of an object value.
[[nodiscard]] Result<std::string_view> json_binary_key(
    const JsonBinaryValue& object, size_t i);

// Element `i` of an object or array value.
[[nodiscard]] Result<JsonBinaryValue> json_binary_element(
    const JsonBinaryValue& container, size_t i);

// Appends the JSON text of `value`. With `quoted` false a top-level string,
// temporal or opaque value is printed bare, as Json_wrapper::to_string() does
// with json_quoted=false (nested values are always quoted). On error `out` is
// left as it was.
[[nodiscard]] Status append_json_binary(const JsonBinaryValue& value,
                                        bool quoted, std::string& out);

// Appends the JSON text of the binary document `doc`, e.g.
// {"a": [1, 2.5, "x"], "b": null}. On error `out` is left as it was.
[[nodiscard]] Status json_binary_to_text(Bytes doc, std::string& out);

}  // namespace sluice::binlog
