// What a live pipeline does with each new table definition and each DDL:
// tables outside the canal filter are marked ignored (their rows are passed
// over undecoded); the rest get column names, primary key and types from the
// schema cache when the TABLE_MAP lacks FULL metadata, and the columns the
// field filter leaves out are marked. A DDL statement invalidates the
// definitions it may have changed (DESIGN §6).
#pragma once

#include <string_view>
#include <vector>

#include "binlog/table_map.h"
#include "common/error.h"
#include "pipeline/field_filter.h"
#include "pipeline/statement.h"
#include "pipeline/table_filter.h"
#include "schema/schema_cache.h"

namespace sluice::pipeline {

class TableResolver {
 public:
  // All are borrowed; `schema` may be null when every TABLE_MAP is known to
  // carry FULL metadata (or @1..@n names are acceptable).
  TableResolver(const TableFilter& filter, const FieldFilter& fields,
                schema::SchemaCache* schema)
      : filter_(filter), fields_(fields), schema_(schema) {}

  // For EventHandler::on_table_map.
  [[nodiscard]] Status resolve(binlog::TableMap& map);

  // For a statement outside a transaction (DDL and the like). Returns
  // whether it concerns a table the filter accepts (canal drops DDL of
  // filtered tables; statements naming no table are kept).
  [[nodiscard]] bool on_statement(const Statement& statement);

  [[nodiscard]] uint64_t ignored_tables() const { return ignored_; }

 private:
  const TableFilter& filter_;
  const FieldFilter& fields_;
  schema::SchemaCache* schema_;
  std::vector<std::string_view> names_;  // reused per table
  uint64_t ignored_ = 0;
};

}  // namespace sluice::pipeline
