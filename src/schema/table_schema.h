// A table's definition as information_schema reports it, and how it fills
// in the TABLE_MAP of a server that does not log FULL row metadata
// (binlog_row_metadata=MINIMAL/NO_LOG, MySQL before 8.0.1, MariaDB before
// 10.5): column names, primary key, signedness, ENUM/SET elements,
// collations and canal's mysqlType text (DESIGN.md §6). MySQL: "The
// INFORMATION_SCHEMA COLUMNS Table"; MariaDB: "Information Schema COLUMNS
// Table"; the TABLE_MAP side is binlog/table_map.h.
//
// information_schema describes the table as it is now, while a TABLE_MAP
// describes it as it was when the event was written; apply_schema only fills
// in a TABLE_MAP that agrees with the definition column by column.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/table_map.h"
#include "common/error.h"

namespace sluice::schema {

struct ColumnSchema {
  std::string name;
  std::string data_type;     // DATA_TYPE, lower case: "decimal", "varchar"
  std::string column_type;   // COLUMN_TYPE: "decimal(18,2)", "int(10) unsigned"
  bool primary_key = false;  // part of the key the server treats as primary
  bool is_unsigned = false;
  std::string collation;      // COLLATION_NAME; "binary" for binary strings
  uint32_t collation_id = 0;  // 0 when unknown or not a string
  std::vector<std::string> elements;  // ENUM/SET values, in order
};

struct TableSchema {
  std::string schema;
  std::string table;
  std::vector<ColumnSchema> columns;  // in ORDINAL_POSITION order
};

// Fills `map` from `schema` after checking they describe the same table:
// the same number of columns and, position by position, a TABLE_MAP type
// compatible with the DATA_TYPE (plus equal DECIMAL precision/scale, BIT
// width, BLOB size class, fractional seconds, ENUM/SET storage size, and
// signedness and names when the TABLE_MAP carries them). On success sets
// names, PK flags, signedness, ENUM/SET elements, collations the TABLE_MAP
// lacks and ColumnDef::mysql_type, and marks has_column_names,
// has_signedness and has_primary_key. On disagreement returns kCorrupt
// naming schema.table, the 1-based column and both types, and leaves `map`
// untouched.
[[nodiscard]] Status apply_schema(const TableSchema& schema,
                                  binlog::TableMap& map);

// The values of an ENUM/SET COLUMN_TYPE ("enum('a','it''s')" -> a, it's),
// undoing both '' and backslash escapes. Empty for other types.
[[nodiscard]] std::vector<std::string> parse_elements(
    std::string_view column_type);

}  // namespace sluice::schema
