#include "pipeline/table_resolver.h"

namespace sluice::pipeline {

Status TableResolver::resolve(binlog::TableMap& map) {
  if (!filter_.accepts(map.schema, map.table)) {
    map.ignored = true;
    ++ignored_;
    return {};
  }
  if (schema_ != nullptr && !map.has_column_names)
    SLUICE_RETURN_IF_ERROR(schema_->apply(map));
  if (fields_.empty()) return {};
  names_.clear();
  for (const binlog::ColumnDef& c : map.columns) names_.push_back(c.name);
  const ColumnSelection keep = fields_.select(map.schema, map.table, names_);
  if (keep.keeps_all()) return {};
  if (!map.has_column_names) {
    return make_error(Errc::kUnsupported,
                      "a field filter names columns of " + map.schema + "." +
                          map.table +
                          " but its column names are unknown: enable "
                          "binlog_row_metadata=FULL or give sluice a schema "
                          "source");
  }
  for (size_t i = 0; i < map.columns.size(); ++i)
    map.columns[i].filtered_out = !keep.keeps(i);
  return {};
}

bool TableResolver::on_statement(const Statement& statement) {
  if (schema_ != nullptr) {
    using codec::StatementType;
    switch (statement.type) {
      case StatementType::kCreate:
      case StatementType::kAlter:
      case StatementType::kErase:
      case StatementType::kTruncate:
      case StatementType::kCreateIndex:
      case StatementType::kDropIndex:
        if (!statement.table.empty()) {
          schema_->invalidate(statement.schema, statement.table);
        } else {
          schema_->invalidate_all();
        }
        break;
      // RENAME names two tables (or more) and the classifier keeps the
      // first; anything else unrecognised may be DDL too: forget all, a
      // reload costs one query per table in use.
      case StatementType::kRename:
      case StatementType::kQuery:
        schema_->invalidate_all();
        break;
    }
  }
  if (statement.table.empty()) return true;
  return filter_.accepts(statement.schema, statement.table);
}

}  // namespace sluice::pipeline
