// The end of `sluice run`'s event chain (decoder -> ResumeTracker -> this):
// completes and filters table definitions, follows DDL, and publishes each
// row change and each DDL statement as one Kafka message: routed
// (RowRouter), encoded in the destination's format, keyed by primary key,
// with the sluice-pos header `<binlog file>:<event end offset>:<index>`
// (index counts the changes ending at that offset, so positions strictly
// increase) and the sluice-gtid header (DESIGN §4).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "binlog/event_decoder.h"
#include "codec/charset.h"
#include "codec/message_encoder.h"
#include "kafka/publisher.h"
#include "metrics/destination_stats.h"
#include "mysql/binlog_file_decoder.h"
#include "pipeline/row_router.h"
#include "pipeline/table_resolver.h"

namespace sluice::app {

class PublishHandler final : public binlog::EventHandler {
 public:
  // All borrowed. `pos` is the event being decoded (file and end offset).
  PublishHandler(binlog::EventDecoder& decoder,
                 pipeline::TableResolver& resolver, pipeline::RowRouter& router,
                 codec::MessageEncoder& encoder,
                 const mysql::FilePosition& pos);

  // Where messages go; must be set before events are decoded.
  void set_publisher(kafka::Publisher* publisher) { publisher_ = publisher; }
  // Where rows and statements are counted (none when unset).
  void set_stats(metrics::DestinationStats* stats) { stats_ = stats; }

  Status on_table_map(binlog::TableMap& map) override;
  Status on_gtid(const binlog::EventHeader& header,
                 const binlog::GtidInfo& gtid) override;
  Status on_row(const binlog::RowEvent& row) override;
  Status on_query(const binlog::EventHeader& header,
                  const binlog::QueryEvent& q, std::string_view sql) override;

  [[nodiscard]] uint64_t statements_published() const { return statements_; }

  // True (once) when the last error came from Kafka, not from decoding.
  [[nodiscard]] bool take_publish_failure() {
    return std::exchange(publish_failed_, false);
  }

 private:
  // Sets the position header and envelope for a change ending at the
  // current event.
  void next_position();
  // Appends ':' and `v` to position_.
  void append_number(uint64_t v);
  // Counts a published row for its table and kind.
  void count(const binlog::RowEvent& row);
  [[nodiscard]] Status publish(std::string_view topic, int32_t partition,
                               bool has_key, std::string_view key,
                               std::string_view where);

  binlog::EventDecoder& decoder_;
  pipeline::TableResolver& resolver_;
  pipeline::RowRouter& router_;
  codec::MessageEncoder& encoder_;
  const mysql::FilePosition& pos_;
  kafka::Publisher* publisher_ = nullptr;
  metrics::DestinationStats* stats_ = nullptr;
  // The counters of the table of the last row, and its definition.
  metrics::TableRows* table_rows_ = nullptr;
  uint64_t table_rows_generation_ = 0;
  codec::Utf8Converter utf8_;  // statement text, from the client's charset
  // The open transaction's GTID ("" without one) and its logical clock.
  struct CurrentGtid {
    std::string text;
    int64_t last_committed = -1;
    int64_t sequence_number = -1;
  } gtid_;
  std::string sql_;
  std::string value_;
  std::string position_;
  std::string where_;
  codec::Envelope env_;
  std::string last_file_;
  uint64_t last_end_ = 0;
  uint64_t index_ = 0;
  int64_t id_ = 0;
  uint64_t statements_ = 0;
  bool publish_failed_ = false;
};

}  // namespace sluice::app
