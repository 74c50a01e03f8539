// Prints each row change and each non-transaction statement as one canal
// FlatMessage JSON line (the output of `sluice decode` and `sluice tail`).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "app/output_buffer.h"
#include "binlog/event_decoder.h"
#include "codec/charset.h"
#include "codec/flat_message.h"
#include "mysql/binlog_file_decoder.h"

namespace sluice::app {

class FlatPrinter final : public binlog::EventHandler {
 public:
  // `decoder` (for the server flavour) and `pos` (the event being decoded;
  // a new position starts a new message id) are borrowed and must outlive
  // the printer.
  FlatPrinter(const binlog::EventDecoder& decoder,
              const mysql::FilePosition& pos, OutputBuffer& out);

  // A GTID event starts each transaction; servers without GTIDs (or with
  // anonymous ones) leave the message's gtid empty.
  Status on_gtid(const binlog::EventHeader& header,
                 const binlog::GtidInfo& gtid) override;
  Status on_row(const binlog::RowEvent& row) override;
  Status on_query(const binlog::EventHeader& header,
                  const binlog::QueryEvent& q, std::string_view sql) override;

  // True when stdout refused a write (exit status 2, not 1).
  [[nodiscard]] bool output_failed() const { return output_failed_; }

 private:
  Status flush_if_full();
  codec::Envelope envelope();

  const binlog::EventDecoder& decoder_;
  const mysql::FilePosition& pos_;
  OutputBuffer& out_;
  codec::FlatMessageEncoder encoder_;
  codec::Utf8Converter utf8_;  // statement text, from the client's charset
  std::string gtid_;
  std::string sql_;
  int64_t id_ = 0;
  int64_t ts_ms_ = 0;
  uint64_t last_offset_ = 0;
  std::string last_file_;
  bool output_failed_ = false;
};

}  // namespace sluice::app
