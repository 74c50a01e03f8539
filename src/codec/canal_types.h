// The `sqlType` (java.sql.Types codes) and `mysqlType` (column type text)
// canal puts beside each value (reference/canal-contract.md §1).
#pragma once

#include <string>

#include "binlog/table_map.h"
#include "binlog/value.h"

namespace sluice::codec {

// java.sql.Types code for a value of `col`, including canal's bump of
// unsigned columns whose raw value has the top bit set.
[[nodiscard]] int canal_sql_type(const binlog::ColumnDef& col,
                                 const binlog::Value& v, bool mariadb);

// MySQL column type text ("int(11)", "decimal(18,2)", "varchar(64)"):
// `col.mysql_type` verbatim when set (information_schema's COLUMN_TYPE),
// else derived from the TABLE_MAP; lengths in characters where the charset
// is known.
// `display_widths`: integer types carry them ("int(11)"), as MariaDB and
// MySQL before 8.0.19 print them; MySQL 8.0.19+ prints "int".
void append_mysql_type(const binlog::ColumnDef& col, bool mariadb,
                       bool display_widths, std::string& out);

}  // namespace sluice::codec
