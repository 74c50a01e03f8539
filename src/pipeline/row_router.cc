#include "pipeline/row_router.h"

#include <algorithm>

#include "codec/json_escape.h"
#include "common/text.h"

namespace sluice::pipeline {
namespace {

constexpr size_t kNoColumn = static_cast<size_t>(-1);

using binlog::RowsKind;
using binlog::Value;
using binlog::ValueKind;

size_t find_column(const binlog::TableMap& table, std::string_view name,
                   bool exact) {
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const std::string& n = table.columns[i].name;
    if (exact ? n == name : iequals(n, name)) return i;
  }
  return kNoColumn;
}

}  // namespace

const RowRouter::TableRoute& RowRouter::table_route(
    const binlog::TableMap& table) {
  constexpr size_t kMaxRoutes = 1024;
  if (table.generation != 0) {
    if (auto it = routes_.find(table.generation); it != routes_.end())
      return it->second;
    if (routes_.size() >= kMaxRoutes) routes_.clear();
  }
  TableRoute& r = table.generation == 0 ? uncached_ : routes_[table.generation];
  r = TableRoute{};
  if (config_.dynamic.empty()) {
    r.topic = config_.topic;
    r.partitions = config_.partitions;
  } else {
    r.topic =
        config_.dynamic.topic_for(table.schema, table.table, config_.topic);
    r.partitions = config_.dynamic.partitions_for(r.topic, config_.partitions);
  }
  r.partitions = std::max(r.partitions, 1);
  for (size_t i = 0; i < table.columns.size(); ++i)
    if (table.columns[i].primary_key) r.key_columns.push_back(i);
  if (config_.hash_rules.empty()) {
    r.mode = TableRoute::Mode::kFixed;
    r.fixed_partition = config_.partition;
    return r;
  }
  const PartitionRule* rule =
      config_.hash_rules.match(table.schema, table.table);
  if (rule == nullptr) {
    r.mode = TableRoute::Mode::kNoMatch;
    return r;
  }
  switch (rule->mode) {
    case PartitionRule::Mode::kTableHash:
      r.mode = TableRoute::Mode::kTable;
      r.fixed_partition =
          canal_partition(java_string_hash(table.table), r.partitions);
      return r;
    case PartitionRule::Mode::kPrimaryKey:
      // canal 1.1.4+ sends a table without a primary key to partition 0.
      r.mode = r.key_columns.empty() ? TableRoute::Mode::kNoMatch
                                     : TableRoute::Mode::kColumns;
      r.hash_columns = r.key_columns;
      break;
    case PartitionRule::Mode::kColumns:
      r.mode = TableRoute::Mode::kColumns;
      for (const std::string& name : rule->columns) {
        r.hash_columns.push_back(
            find_column(table, name, config_.exact_column_names));
      }
      break;
  }
  r.database_hash = config_.database_hash ? java_string_hash(table.schema) : 0;
  return r;
}

Status RowRouter::append_text(const binlog::RowEvent& row, size_t i,
                              std::string& out) {
  const bool deleted = row.kind == RowsKind::kDelete;
  std::span<const Value> image = deleted ? row.before : row.after;
  std::span<const Value> other = deleted ? row.after : row.before;
  const Value* v = i < image.size() ? &image[i] : nullptr;
  if ((v == nullptr || v->kind == ValueKind::kAbsent) && i < other.size()) {
    v = &other[i];
    image = other;
  }
  if (v == nullptr || v->kind == ValueKind::kAbsent ||
      v->kind == ValueKind::kNull) {
    return {};
  }
  const Value* before =
      image.data() == row.after.data() && i < row.before.size() ? &row.before[i]
                                                                : nullptr;
  return values_.append(row.table->columns[i], i, *v, before, out);
}

Result<Route> RowRouter::route_row(const binlog::RowEvent& row) {
  const TableRoute& r = table_route(*row.table);
  Route route;
  route.topic = r.topic;
  key_.clear();
  // XOR of the key texts' hashes: the partition hash of a $pk$ rule.
  int32_t key_hash = 0;
  if (r.key_columns.size() == 1) {
    SLUICE_RETURN_IF_ERROR(append_text(row, r.key_columns[0], key_));
    key_hash = java_string_hash(key_);
    route.has_key = true;
  } else if (!r.key_columns.empty()) {
    key_.push_back('[');
    for (size_t k = 0; k < r.key_columns.size(); ++k) {
      if (k > 0) key_.push_back(',');
      text_.clear();
      SLUICE_RETURN_IF_ERROR(append_text(row, r.key_columns[k], text_));
      key_hash ^= java_string_hash(text_);
      codec::append_json_string(text_, key_);
    }
    key_.push_back(']');
    route.has_key = true;
  }
  route.key = key_;
  switch (r.mode) {
    case TableRoute::Mode::kFixed:
    case TableRoute::Mode::kTable:
      route.partition = r.fixed_partition;
      return route;
    case TableRoute::Mode::kNoMatch:
      route.partition = 0;
      return route;
    case TableRoute::Mode::kColumns:
      break;
  }
  int32_t h = r.database_hash;
  if (r.hash_columns == r.key_columns) {
    route.partition = canal_partition(h ^ key_hash, r.partitions);
    return route;
  }
  for (const size_t column : r.hash_columns) {
    text_.clear();
    if (column != kNoColumn)
      SLUICE_RETURN_IF_ERROR(append_text(row, column, text_));
    h ^= java_string_hash(text_);
  }
  route.partition = canal_partition(h, r.partitions);
  return route;
}

Route RowRouter::route_statement(std::string_view schema,
                                 std::string_view table) {
  statement_topic_ = config_.dynamic.topic_for(schema, table, config_.topic);
  Route route;
  route.topic = statement_topic_;
  return route;
}

}  // namespace sluice::pipeline
