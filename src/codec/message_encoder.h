// The Kafka value of a change in the format a destination publishes:
// canal's FlatMessage JSON (canal.mq.flatMessage=true), canal's protobuf
// (false) or sluice's own protobuf (sluice.mq.format=sluice). One encoder
// per destination, reused for every message.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "binlog/event_decoder.h"
#include "codec/canal_protobuf.h"
#include "codec/envelope.h"
#include "codec/flat_message.h"
#include "codec/sluice_protobuf.h"
#include "codec/statement_type.h"
#include "common/error.h"

namespace sluice::codec {

enum class ValueFormat { kFlat, kCanalProtobuf, kSluiceProtobuf };

class MessageEncoder {
 public:
  explicit MessageEncoder(ValueFormat format)
      : format_(format), encoder_(make(format)) {}

  [[nodiscard]] ValueFormat format() const { return format_; }

  // Describes the server that wrote the binlog (see CanalValueRenderer).
  void set_server(bool mariadb, bool display_widths) {
    std::visit([&](auto& e) { e.set_server(mariadb, display_widths); },
               encoder_);
  }

  // Appends the value of one row change to `out`.
  [[nodiscard]] Status append_row(const binlog::RowEvent& row,
                                  const Envelope& env, std::string& out) {
    return std::visit([&](auto& e) { return e.append_row(row, env, out); },
                      encoder_);
  }

  // Appends the value of a DDL or other statement on `schema`.`table`.
  void append_statement(const binlog::EventHeader& header,
                        std::string_view schema, std::string_view table,
                        std::string_view session_schema, std::string_view sql,
                        StatementType type, const Envelope& env,
                        std::string& out) {
    std::visit(Overloaded{[&](FlatMessageEncoder& e) {
                            e.append_statement(schema, table, sql, type,
                                               header.timestamp, env, out);
                          },
                          [&](auto& e) {
                            e.append_statement(header, schema, table,
                                               session_schema, sql, type, env,
                                               out);
                          }},
               encoder_);
  }

 private:
  using Encoder = std::variant<FlatMessageEncoder, CanalProtobufEncoder,
                               SluiceProtobufEncoder>;
  template <class... F>
  struct Overloaded : F... {
    using F::operator()...;
  };

  // The encoders hold iconv descriptors and cannot move: each is built in
  // place (a returned prvalue is not moved).
  static Encoder make(ValueFormat format) {
    switch (format) {
      case ValueFormat::kFlat:
        return Encoder(std::in_place_type<FlatMessageEncoder>, false);
      case ValueFormat::kCanalProtobuf:
        return Encoder(std::in_place_type<CanalProtobufEncoder>, false);
      case ValueFormat::kSluiceProtobuf:
        return Encoder(std::in_place_type<SluiceProtobufEncoder>, false);
    }
    return Encoder(std::in_place_type<FlatMessageEncoder>, false);
  }

  ValueFormat format_;
  Encoder encoder_;
};

}  // namespace sluice::codec
