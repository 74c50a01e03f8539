// Partial JSON updates: the diff vectors MySQL 8.0+ writes for JSON columns in
// PARTIAL_UPDATE_ROWS_EVENT (binlog_row_value_options=PARTIAL_JSON). Implements
// the format of Json_diff::write_binary() / read_json_diff() in
// sql/json_diff.cc, the text mysqlbinlog prints for it (print_json_diff() in
// libbinlogevents' log_event.cc) and apply_json_diff().
//
// The column value handed in here is the diff vector without the 4-byte
// length MySQL puts in front of it (the same length prefix a full JSON column
// value has). Until the bytes end it holds diffs: an operation byte (0
// REPLACE, 1 INSERT, 2 REMOVE), a length-encoded path length, the path text
// (e.g. $.a[1]), and for REPLACE and INSERT a length-encoded value length and
// the value as a binary JSON document.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/error.h"

namespace sluice::binlog {

// One diff. `path` and `value` view the column value passed to
// parse_json_diffs() and are valid as long as it is; `value` is empty for
// kRemove.
struct JsonDiff {
  enum class Op : uint8_t { kReplace, kInsert, kRemove };
  Op op;
  std::string_view path;
  Bytes value;
};

// Splits a diff vector into its diffs. An empty vector (no diffs) is valid.
// An unknown operation or an empty path is kCorrupt, a cut diff kTruncated.
[[nodiscard]] Result<std::vector<JsonDiff>> parse_json_diffs(
    Bytes column_value);

// Appends the SQL expression mysqlbinlog -v prints for the diffs applied to
// `column_ref` (e.g. "@2"): JSON_REPLACE(@2, '$.age', 26). Consecutive diffs
// with the same function share one call, different ones nest:
// JSON_INSERT(JSON_REPLACE(@2, '$.a', 1, '$.b', 2), '$.c', 'x'); an INSERT
// whose path ends in ']' is JSON_ARRAY_INSERT. Values print as mysqlbinlog
// prints them: numbers, booleans and null bare, strings, temporals and opaque
// values in SQL single quotes, objects and arrays as CAST('<json>' AS JSON).
// mysqlbinlog additionally breaks the expression over "###" comment lines;
// this prints it on one line. On error `out` is left as it was.
[[nodiscard]] Status json_diffs_to_text(const std::vector<JsonDiff>& diffs,
                                        std::string_view column_ref,
                                        std::string& out);

// Applies `diffs` in order to the binary JSON document `before_doc` with
// MySQL's semantics and appends the resulting document as JSON text (the
// format of json_binary_to_text()). A diff that does not fit the document
// (REPLACE or REMOVE of a missing value, INSERT of an existing member) is
// kCorrupt; a path outside the diff path syntax is kUnsupported. On error
// `out_text` is left as it was.
[[nodiscard]] Status apply_json_diffs(Bytes before_doc,
                                      const std::vector<JsonDiff>& diffs,
                                      std::string& out_text);

}  // namespace sluice::binlog
