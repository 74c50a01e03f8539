// Table definitions for TABLE_MAPs without FULL row metadata (DESIGN.md §6):
// loaded from information_schema once per table version through the control
// connection, cached by (schema, table), dropped when a DDL touches the
// table. MySQL/MariaDB: information_schema.COLUMNS and COLLATIONS.
//
// Wiring (the caller owns the DDL parsing; this module does not depend on
// pipeline/):
//   - Before the rows of a TABLE_MAP are encoded, call apply(map) on the
//     caller's copy of the map (decoders hand out const maps). A map that
//     carries column names itself (binlog_row_metadata=FULL) is left alone.
//   - On each DDL QUERY event, before the next TABLE_MAP is applied:
//       CREATE TABLE (also ... LIKE / ... SELECT), DROP TABLE, TRUNCATE,
//       ALTER TABLE, CREATE/DROP INDEX -> invalidate(schema, table);
//       RENAME TABLE a TO b / ALTER TABLE a RENAME TO b -> invalidate both
//       the old and the new name;
//       DROP/ALTER DATABASE -> invalidate_schema(schema);
//       statements naming several tables (DROP TABLE a, b; RENAME TABLE
//       a TO b, c TO d) or that the caller cannot attribute ->
//       invalidate_all(). When in doubt invalidate more: a reload costs one
//       query, a stale definition mislabels columns.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "binlog/table_map.h"
#include "common/error.h"
#include "schema/table_schema.h"

namespace sluice::mysql {
class ControlConnection;
}

namespace sluice::schema {

// Where definitions come from.
class SchemaSource {
 public:
  virtual ~SchemaSource() = default;
  // The table's current definition, or nullopt when the server has no such
  // table (dropped or renamed since).
  [[nodiscard]] virtual Result<std::optional<TableSchema>> load(
      std::string_view schema, std::string_view table) = 0;
};

// information_schema.COLUMNS over a control connection: one query per
// table, columns in ORDINAL_POSITION order. The primary key is COLUMN_KEY =
// 'PRI', which marks every column of the key the server uses as primary
// (an explicit PRIMARY KEY, else the first UNIQUE index over NOT NULL
// columns), as FULL row metadata and canal's table meta do.
class InformationSchemaSource final : public SchemaSource {
 public:
  // `connection` is borrowed and must outlive this source.
  explicit InformationSchemaSource(mysql::ControlConnection& connection)
      : connection_(connection) {}

  [[nodiscard]] Result<std::optional<TableSchema>> load(
      std::string_view schema, std::string_view table) override;

 private:
  mysql::ControlConnection& connection_;
  // COLLATIONS, read with the first table.
  std::map<std::string, uint32_t, std::less<>> collation_ids_;
};

class SchemaCache {
 public:
  // `source` is borrowed and must outlive the cache.
  explicit SchemaCache(SchemaSource& source) : source_(source) {}

  // The cached definition, loaded on first use; nullptr when the table does
  // not exist (that answer is cached too, until invalidated). The pointer is
  // valid until the entry is invalidated.
  [[nodiscard]] Result<const TableSchema*> get(std::string_view schema,
                                               std::string_view table);

  // Fills `map` (column names, PK, signedness, ENUM/SET values, collations,
  // mysqlType) from the definition of map.schema.map.table; no-op when the
  // map already carries column names. When a cached definition disagrees
  // with the map it is reloaded once. Errors: the load's own, kCorrupt when
  // the current definition still disagrees (apply_schema's message), and
  // kUnsupported when the table no longer exists.
  [[nodiscard]] Status apply(binlog::TableMap& map);

  // Forgets one table. Names compare case-insensitively here, so a DDL
  // spelled in another case (lower_case_table_names) still invalidates.
  void invalidate(std::string_view schema, std::string_view table);
  // Forgets every table of a schema (DROP/ALTER DATABASE).
  void invalidate_schema(std::string_view schema);
  void invalidate_all() { tables_.clear(); }

  [[nodiscard]] size_t size() const { return tables_.size(); }
  // How many times the source was asked; for tests and metrics.
  [[nodiscard]] uint64_t loads() const { return loads_; }

 private:
  using Key = std::pair<std::string, std::string>;

  [[nodiscard]] Result<const TableSchema*> load(const Key& key);

  SchemaSource& source_;
  std::map<Key, std::optional<TableSchema>> tables_;
  uint64_t loads_ = 0;
};

}  // namespace sluice::schema
