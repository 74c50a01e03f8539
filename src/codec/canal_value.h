// Canal's text form of a column value (DESIGN §6, reference/canal-contract.md
// §1 "Column value rendering"): every value a string; unsigned integers
// corrected; FLOAT/DOUBLE as Java prints them; DECIMAL plain with the column
// scale; BIT and SET as unsigned numbers; ENUM as its 1-based index; temporal
// values with exactly fsp fraction digits; TIMESTAMP in the process time zone
// (TZ); binary bytes as ISO-8859-1 characters; text converted to UTF-8.
#pragma once

#include <string>
#include <vector>

#include "binlog/table_map.h"
#include "binlog/value.h"
#include "codec/charset.h"
#include "common/error.h"

namespace sluice::codec {

class CanalValueRenderer {
 public:
  explicit CanalValueRenderer(bool mariadb) : mariadb_(mariadb) {}

  // The server that wrote the binlog: MariaDB or MySQL, and whether it shows
  // integer display widths (MariaDB, MySQL before 8.0.19).
  void set_server(bool mariadb, bool display_widths) {
    mariadb_ = mariadb;
    display_widths_ = display_widths;
  }

  // Appends the UTF-8 text of a non-null, present value of column `index`
  // (0-based). `before` is the same column's before-image value (for partial
  // JSON updates), or nullptr.
  [[nodiscard]] Status append(const binlog::ColumnDef& col, size_t index,
                              const binlog::Value& v,
                              const binlog::Value* before, std::string& out);

  // Appends the value as a JSON string literal (quotes included), writing
  // straight into `out` for the common types.
  [[nodiscard]] Status append_json(const binlog::ColumnDef& col, size_t index,
                                   const binlog::Value& v,
                                   const binlog::Value* before,
                                   std::string& out);

  [[nodiscard]] bool mariadb() const { return mariadb_; }
  [[nodiscard]] bool display_widths() const { return display_widths_; }

 private:
  // A string value's bytes, inflated first for a MariaDB COMPRESSED column
  // (the view lasts until the next call).
  [[nodiscard]] Result<Bytes> string_bytes(const binlog::Value& v);
  void append_timestamp(int64_t seconds, uint32_t micros, unsigned fsp,
                        std::string& out);

  bool mariadb_;
  bool display_widths_ = true;
  Utf8Converter utf8_;
  std::string scratch_;
  std::vector<std::byte> inflated_;  // a MariaDB COMPRESSED column's bytes
  int64_t cached_second_ = -1;       // last TIMESTAMP second converted
  char cached_text_[20] = {};        // its "yyyy-MM-dd HH:mm:ss"
};

// The value of an integer column flagged unsigned (kUnsigned): its storage
// bits only, as canal's unsigned correction gives it.
[[nodiscard]] uint64_t unsigned_value(const binlog::ColumnDef& col,
                                      const binlog::Value& v);

// True when two present values of one column have the same raw content (so
// canal's rendered strings are equal too).
[[nodiscard]] bool same_value(const binlog::Value& a, const binlog::Value& b);

// True when a string column holds bytes (BINARY/VARBINARY/BLOB/GEOMETRY):
// its collation is binary, or unknown for a BLOB.
[[nodiscard]] bool is_binary_column(const binlog::ColumnDef& col, bool mariadb);

}  // namespace sluice::codec
