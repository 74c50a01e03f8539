// Canal's FlatMessage JSON (canal.mq.flatMessage=true), rendered as canal
// 1.1.7 does (reference/canal-contract.md §1): alphabetical keys, nulls
// written, compact UTF-8. sluice sends one row change per message, so `data`
// (and `old` for updates) hold one element (DESIGN §4, difference 1).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/event_decoder.h"
#include "codec/canal_value.h"
#include "codec/envelope.h"
#include "codec/statement_type.h"
#include "codec/table_templates.h"
#include "common/error.h"

namespace sluice::codec {

class FlatMessageEncoder {
 public:
  explicit FlatMessageEncoder(bool mariadb) : values_(mariadb) {}

  // Describes the server that wrote the binlog (see CanalValueRenderer).
  void set_server(bool mariadb, bool display_widths) {
    values_.set_server(mariadb, display_widths);
  }

  // Appends the JSON object (no newline) for one row change.
  [[nodiscard]] Status append_row(const binlog::RowEvent& row,
                                  const Envelope& env, std::string& out);

  // Appends the JSON object for a DDL or other non-DML statement.
  void append_statement(std::string_view schema, std::string_view table,
                        std::string_view sql, StatementType type,
                        uint32_t timestamp, const Envelope& env,
                        std::string& out);

 private:
  // The parts of a message that depend only on the table definition,
  // rendered once per TableMap generation.
  struct TableTemplate {
    std::vector<std::string> keys;      // "name": per column
    std::string database;               // }],"database":"...","es":
    std::string mysql_types;            // ,"mysqlType":{...} for a full image
    std::string sql_types;              // ,"sqlType":{...}, full image, no bump
    std::string pk_names;               // ,"pkNames":[...] or null
    std::string table;                  // ,"table":"...","ts":
    std::vector<size_t> unsigned_ints;  // columns whose sqlType may bump
  };

  // The parts that are the same for every row of one rows event.
  struct EventFragments {
    bool valid = false;
    int64_t es = 0;
    int64_t id = 0;
    int64_t ts_ms = 0;
    binlog::RowsKind kind = binlog::RowsKind::kInsert;
    std::string gtid;
    std::string middle;  // <es>,"gtid":"...","id":<id>,"isDdl":false
    std::string tail;    // <ts>,"type":"..."}
  };

  const TableTemplate& table_template(const binlog::TableMap& table);
  void build_template(const binlog::TableMap& table, TableTemplate& tpl);
  // Appends `open`, then `"name":<value>` for each column present in `image`
  // and not filtered out of `table`, then `}`; append_value(i) writes column
  // i's value.
  template <class AppendValue>
  static void append_present_map(std::string_view open,
                                 const TableTemplate& tpl,
                                 const binlog::TableMap& table,
                                 std::span<const binlog::Value> image,
                                 std::string& out, AppendValue&& append_value);
  const EventFragments& event_fragments(const binlog::RowEvent& row,
                                        const Envelope& env);
  [[nodiscard]] Status append_old(const binlog::RowEvent& row,
                                  const TableTemplate& tpl, std::string& out);

  CanalValueRenderer values_;
  TableTemplates<TableTemplate> templates_;
  EventFragments event_;
  std::string before_text_;
  std::string after_text_;
  std::string type_text_;  // one mysqlType before JSON escaping
};

}  // namespace sluice::codec
