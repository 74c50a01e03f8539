// What a live pipeline does with each new table definition and each DDL:
// tables outside the canal filter are marked ignored (their rows are passed
// over undecoded); the rest get column names, primary key and types from the
// schema cache when the TABLE_MAP lacks FULL metadata. A DDL statement
// invalidates the definitions it may have changed (DESIGN §6).
#pragma once

#include "binlog/table_map.h"
#include "common/error.h"
#include "pipeline/statement.h"
#include "pipeline/table_filter.h"
#include "schema/schema_cache.h"

namespace sluice::pipeline {

class TableResolver {
 public:
  // Both are borrowed; `schema` may be null when every TABLE_MAP is known to
  // carry FULL metadata (or @1..@n names are acceptable).
  TableResolver(const TableFilter& filter, schema::SchemaCache* schema)
      : filter_(filter), schema_(schema) {}

  // For EventHandler::on_table_map.
  [[nodiscard]] Status resolve(binlog::TableMap& map);

  // For a statement outside a transaction (DDL and the like). Returns
  // whether it concerns a table the filter accepts (canal drops DDL of
  // filtered tables; statements naming no table are kept).
  [[nodiscard]] bool on_statement(const Statement& statement);

  [[nodiscard]] uint64_t ignored_tables() const { return ignored_; }

 private:
  const TableFilter& filter_;
  schema::SchemaCache* schema_;
  uint64_t ignored_ = 0;
};

}  // namespace sluice::pipeline
