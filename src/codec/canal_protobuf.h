// canal's protobuf Kafka value (canal.mq.flatMessage=false), as canal's
// builder path writes it when it splits a batch by partition
// (reference/canal-contract.md §2): Packet{version=1, type=MESSAGES,
// body=Messages{messages=[Entry]}} with one Entry per message. The Entry,
// Header, RowChange, RowData and Column fields are the ones canal's
// LogEventConvert sets, written even when zero or empty (canal's classes
// are proto2), in field-number order; values are canal's text renderings.
// sluice sends one row change per message (DESIGN §4, difference 1), so a
// RowChange holds one RowData, as in canal's partitioned messages, and the
// Header's rowsCount prop is 1 (canal counts the rows of the whole event).
// Header props: curtGtid, then curtGtidSn / curtGtidLct (MySQL's logical
// clock) and rowsCount, in the order canal adds them. Schema: proto/canal_protocol.proto and proto/entry_protocol.proto.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "binlog/event_decoder.h"
#include "codec/canal_value.h"
#include "codec/envelope.h"
#include "codec/statement_type.h"
#include "codec/table_templates.h"
#include "common/error.h"

namespace sluice::codec {

class CanalProtobufEncoder {
 public:
  explicit CanalProtobufEncoder(bool mariadb) : values_(mariadb) {}

  // Describes the server that wrote the binlog (see CanalValueRenderer).
  void set_server(bool mariadb, bool display_widths) {
    values_.set_server(mariadb, display_widths);
  }

  // Appends the Kafka value for one row change.
  [[nodiscard]] Status append_row(const binlog::RowEvent& row,
                                  const Envelope& env, std::string& out);

  // Appends the Kafka value for a DDL or other non-row statement on
  // `schema`.`table`, issued in session database `session_schema`.
  void append_statement(const binlog::EventHeader& header,
                        std::string_view schema, std::string_view table,
                        std::string_view session_schema, std::string_view sql,
                        StatementType type, const Envelope& env,
                        std::string& out);

 private:
  // Per column, the encoded fields that depend only on the definition.
  struct ColumnTemplate {
    std::string index;       // field 1
    std::string name_key;    // fields 3 and 4
    std::string mysql_type;  // field 10
  };
  struct TableTemplate {
    std::vector<ColumnTemplate> columns;
    std::string names;  // Header fields 8 and 9
  };

  const TableTemplate& table_template(const binlog::TableMap& table);
  void build_template(const binlog::TableMap& table, TableTemplate& tpl) const;
  // `rows_count` > 0: the rowsCount prop of a row message.
  void append_header(const binlog::EventHeader& header, std::string_view names,
                     int event_type, int rows_count, const Envelope& env,
                     std::string& out);
  // Appends the columns of one image as repeated Column `field`.
  [[nodiscard]] Status append_image(const binlog::RowEvent& row,
                                    std::span<const binlog::Value> image,
                                    bool after, uint32_t field,
                                    const TableTemplate& tpl, std::string& out);

  CanalValueRenderer values_;
  TableTemplates<TableTemplate> templates_;
  std::string names_;  // a statement's Header fields 8 and 9
  // For an update: where each before-image value's text lies in the
  // output ({offset, length}; length npos = NULL or absent), to set the
  // after image's `updated` flags.
  std::vector<std::pair<size_t, size_t>> before_text_;
};

}  // namespace sluice::codec
