#include "pipeline/table_resolver.h"

namespace sluice::pipeline {

Status TableResolver::resolve(binlog::TableMap& map) {
  if (!filter_.accepts(map.schema, map.table)) {
    map.ignored = true;
    ++ignored_;
    return {};
  }
  if (schema_ == nullptr || map.has_column_names) return {};
  return schema_->apply(map);
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
