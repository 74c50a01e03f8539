// sluice's own Kafka value (sluice.mq.format=sluice): a sluice.v1.Change
// (proto/sluice.proto) per row change or statement, with typed values,
// ENUM and SET names and the change's position. Written with ProtoWriter in
// field-number order, zero-valued plain fields left out, so the bytes are
// exactly what protobuf's own serializer makes of the same message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "binlog/event_decoder.h"
#include "codec/canal_value.h"
#include "codec/charset.h"
#include "codec/envelope.h"
#include "codec/proto_writer.h"
#include "codec/statement_type.h"
#include "codec/table_templates.h"
#include "common/error.h"

namespace sluice::codec {

class SluiceProtobufEncoder {
 public:
  explicit SluiceProtobufEncoder(bool mariadb) : values_(mariadb) {}

  // Describes the server that wrote the binlog (see CanalValueRenderer).
  void set_server(bool mariadb, bool display_widths) {
    values_.set_server(mariadb, display_widths);
  }

  // Appends the Change for one row change.
  [[nodiscard]] Status append_row(const binlog::RowEvent& row,
                                  const Envelope& env, std::string& out);

  // Appends the Change for a DDL or other non-row statement on
  // `schema`.`table`, issued in session database `session_schema`.
  void append_statement(const binlog::EventHeader& header,
                        std::string_view schema, std::string_view table,
                        std::string_view session_schema, std::string_view sql,
                        StatementType type, const Envelope& env,
                        std::string& out);

 private:
  struct ColumnTemplate {
    std::string name;                   // Cell.name, encoded
    std::vector<std::string> elements;  // ENUM/SET names as field 2, UTF-8
  };
  struct TableTemplate {
    std::vector<ColumnTemplate> columns;
    std::string names;  // Change fields 3 and 4
    std::string keys;   // Change field 7, repeated
  };

  const TableTemplate& table_template(const binlog::TableMap& table);
  void build_template(const binlog::TableMap& table, TableTemplate& tpl);
  static void append_head(const binlog::EventHeader& header, int kind,
                          const Envelope& env, ProtoWriter& w);
  [[nodiscard]] Status append_image(const binlog::RowEvent& row,
                                    std::span<const binlog::Value> image,
                                    uint32_t field, const TableTemplate& tpl,
                                    ProtoWriter& w);
  [[nodiscard]] Status append_value(const binlog::ColumnDef& col, size_t index,
                                    const binlog::Value& v,
                                    const binlog::Value* before,
                                    const ColumnTemplate& ct, ProtoWriter& w);

  CanalValueRenderer values_;  // text, DECIMAL and JSON renderings
  Utf8Converter utf8_;         // ENUM and SET names
  TableTemplates<TableTemplate> templates_;
  std::vector<std::byte> inflated_;  // a MariaDB COMPRESSED binary column
};

}  // namespace sluice::codec
