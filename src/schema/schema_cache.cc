#include "schema/schema_cache.h"

#include <cctype>
#include <charconv>

#include "common/text.h"
#include "mysql/control_connection.h"

namespace sluice::schema {
namespace {

// The id of the binary pseudo-collation, for binary strings, which
// information_schema shows without a collation.
constexpr uint32_t kBinaryCollation = 63;

bool is_binary_string(std::string_view data_type) {
  return data_type == "binary" || data_type == "varbinary" ||
         data_type == "tinyblob" || data_type == "blob" ||
         data_type == "mediumblob" || data_type == "longblob";
}

const std::string& text(const mysql::ControlConnection::Row& row, size_t i) {
  static const std::string kEmpty;
  return i < row.size() && row[i] ? *row[i] : kEmpty;
}

}  // namespace

Result<std::optional<TableSchema>> InformationSchemaSource::load(
    std::string_view schema, std::string_view table) {
  if (collation_ids_.empty()) {
    // Joined here rather than in SQL: MariaDB 10.10+ lists some collations
    // in several rows, which a join would multiply.
    SLUICE_ASSIGN_OR_RETURN(auto rows,
                            connection_.query("SELECT COLLATION_NAME, ID FROM "
                                              "information_schema.COLLATIONS"));
    for (const auto& row : rows) {
      const std::string& id = text(row, 1);
      uint32_t value = 0;
      const auto [end, ec] =
          std::from_chars(id.data(), id.data() + id.size(), value);
      if (ec == std::errc{} && end == id.data() + id.size()) {
        collation_ids_.emplace(text(row, 0), value);
      }
    }
  }
  SLUICE_ASSIGN_OR_RETURN(
      auto rows, connection_.query(
                     "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, COLUMN_KEY, "
                     "COLLATION_NAME FROM information_schema.COLUMNS WHERE "
                     "TABLE_SCHEMA = " +
                     connection_.quote(schema) + " AND TABLE_NAME = " +
                     connection_.quote(table) + " ORDER BY ORDINAL_POSITION"));
  if (rows.empty()) return std::optional<TableSchema>();
  TableSchema out;
  out.schema = std::string(schema);
  out.table = std::string(table);
  out.columns.reserve(rows.size());
  for (const auto& row : rows) {
    ColumnSchema c;
    c.name = text(row, 0);
    c.data_type = ascii_lower(text(row, 1));
    c.column_type = text(row, 2);
    c.primary_key = text(row, 3) == "PRI";
    c.is_unsigned =
        ascii_lower(c.column_type).find(" unsigned") != std::string::npos;
    c.collation = text(row, 4);
    if (c.collation.empty() && is_binary_string(c.data_type)) {
      c.collation = "binary";
      c.collation_id = kBinaryCollation;
    } else if (auto it = collation_ids_.find(c.collation);
               it != collation_ids_.end()) {
      c.collation_id = it->second;
    }
    c.elements = parse_elements(c.column_type);
    out.columns.push_back(std::move(c));
  }
  return std::optional<TableSchema>(std::move(out));
}

Result<const TableSchema*> SchemaCache::load(const Key& key) {
  ++loads_;
  SLUICE_ASSIGN_OR_RETURN(auto loaded, source_.load(key.first, key.second));
  auto& slot = tables_[key];
  slot = std::move(loaded);
  return slot ? &*slot : nullptr;
}

Result<const TableSchema*> SchemaCache::get(std::string_view schema,
                                            std::string_view table) {
  Key key{std::string(schema), std::string(table)};
  if (auto it = tables_.find(key); it != tables_.end()) {
    return it->second ? &*it->second : nullptr;
  }
  return load(key);
}

Status SchemaCache::apply(binlog::TableMap& map) {
  if (map.has_column_names) return {};
  const Key key{map.schema, map.table};
  const bool was_cached = tables_.contains(key);
  SLUICE_ASSIGN_OR_RETURN(const TableSchema* schema,
                          get(key.first, key.second));
  if (was_cached) {
    // A cached definition may predate a DDL the caller did not see (or did
    // not attribute): on any doubt, ask again once.
    if (schema == nullptr || !apply_schema(*schema, map)) {
      SLUICE_ASSIGN_OR_RETURN(schema, load(key));
    } else {
      return {};
    }
  }
  if (schema == nullptr) {
    return make_error(
        Errc::kUnsupported,
        "rows arrived for `" + map.schema + "`.`" + map.table +
            "`, but information_schema has no such table (dropped or "
            "renamed since these rows were written, or the user in "
            "canal.instance.dbUsername may not see it), so sluice cannot "
            "name its columns. Set binlog_row_metadata=FULL (MariaDB 10.5+, "
            "MySQL 8.0.1+) so the binlog carries column names itself, or "
            "leave the table out with canal.instance.filter.black.regex");
  }
  return apply_schema(*schema, map);
}

void SchemaCache::invalidate(std::string_view schema, std::string_view table) {
  std::erase_if(tables_, [&](const auto& entry) {
    return iequals(entry.first.first, schema) &&
           iequals(entry.first.second, table);
  });
}

void SchemaCache::invalidate_schema(std::string_view schema) {
  std::erase_if(tables_, [&](const auto& entry) {
    return iequals(entry.first.first, schema);
  });
}

}  // namespace sluice::schema
