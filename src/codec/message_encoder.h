// The Kafka value of a change in the format a destination publishes:
// canal's FlatMessage JSON (canal.mq.flatMessage=true) or canal's protobuf
// (false). One encoder per destination, reused for every message.
#pragma once

#include <string>
#include <string_view>

#include "binlog/event_decoder.h"
#include "codec/canal_protobuf.h"
#include "codec/envelope.h"
#include "codec/flat_message.h"
#include "codec/statement_type.h"
#include "common/error.h"

namespace sluice::codec {

enum class ValueFormat { kFlat, kCanalProtobuf };

class MessageEncoder {
 public:
  explicit MessageEncoder(ValueFormat format)
      : format_(format), flat_(false), protobuf_(false) {}

  [[nodiscard]] ValueFormat format() const { return format_; }

  // Describes the server that wrote the binlog (see CanalValueRenderer).
  void set_server(bool mariadb, bool display_widths) {
    flat_.set_server(mariadb, display_widths);
    protobuf_.set_server(mariadb, display_widths);
  }

  // Appends the value of one row change to `out`.
  [[nodiscard]] Status append_row(const binlog::RowEvent& row,
                                  const Envelope& env, std::string& out) {
    return format_ == ValueFormat::kFlat ? flat_.append_row(row, env, out)
                                         : protobuf_.append_row(row, env, out);
  }

  // Appends the value of a DDL or other statement on `schema`.`table`.
  void append_statement(const binlog::EventHeader& header,
                        std::string_view schema, std::string_view table,
                        std::string_view session_schema, std::string_view sql,
                        StatementType type, const Envelope& env,
                        std::string& out) {
    if (format_ == ValueFormat::kFlat) {
      flat_.append_statement(schema, table, sql, type, header.timestamp, env,
                             out);
    } else {
      protobuf_.append_statement(header, schema, table, session_schema, sql,
                                 type, env, out);
    }
  }

 private:
  ValueFormat format_;
  FlatMessageEncoder flat_;
  CanalProtobufEncoder protobuf_;
};

}  // namespace sluice::codec
