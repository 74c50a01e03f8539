// What one destination of `sluice run` is doing, for the metrics endpoint
// (DESIGN §7). The destination's threads write plain relaxed atomics as
// they go; a scrape reads them, so two figures may be a moment apart but
// each is whole. Per-table row counters are created on first use and live
// as long as the stats, so a caller may keep the reference.
#pragma once

#include <prometheus/histogram.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::metrics {

struct TableRows {
  TableRows(std::string s, std::string t)
      : schema(std::move(s)), table(std::move(t)) {}
  const std::string schema;
  const std::string table;
  std::atomic<uint64_t> inserts{0};
  std::atomic<uint64_t> updates{0};
  std::atomic<uint64_t> deletes{0};
};

// The binlog file and offset the destination has read up to.
struct BinlogPosition {
  std::string file;
  uint64_t offset = 0;
};

class DestinationStats {
 public:
  explicit DestinationStats(std::string destination);

  [[nodiscard]] const std::string& destination() const { return destination_; }

  // The row counters of schema.table.
  [[nodiscard]] TableRows& table(std::string_view schema,
                                 std::string_view table);
  // Every table seen so far, in first-seen order.
  [[nodiscard]] std::vector<const TableRows*> tables() const;

  void set_position(std::string_view file, uint64_t offset);
  [[nodiscard]] BinlogPosition position() const;

  // A Kafka batch committed: its rows and how long closing it took.
  void batch_committed(uint64_t rows, double seconds);
  [[nodiscard]] prometheus::ClientMetric commit_seconds() const {
    return commit_seconds_.Collect();
  }
  [[nodiscard]] prometheus::ClientMetric batch_rows() const {
    return batch_rows_.Collect();
  }

  // Binlog transactions (XID or COMMIT) read and committed to Kafka, with
  // those the filter left empty.
  std::atomic<uint64_t> transactions{0};
  std::atomic<uint64_t> statements{0};  // DDL published
  std::atomic<uint64_t> binlog_bytes{0};
  // When the last event was written on the source (ms since the epoch);
  // a heartbeat sets it to now, as canal does: an idle source has no lag.
  std::atomic<int64_t> last_event_ms{0};
  std::atomic<uint64_t> kafka_batches{0};
  std::atomic<uint64_t> kafka_queued{0};  // messages without delivery report
  std::atomic<uint64_t> reconnects{0};    // to MySQL, after the first
  std::atomic<uint64_t> elections{0};     // times this node became leader
  std::atomic<uint64_t> step_downs{0};    // times it lost leadership
  std::atomic<bool> leading{false};       // holds the leader lock
  std::atomic<bool> publishing{false};    // streaming the binlog to Kafka

 private:
  const std::string destination_;
  mutable std::mutex mu_;
  std::deque<TableRows> tables_;  // stable addresses
  BinlogPosition position_;
  prometheus::Histogram commit_seconds_;
  prometheus::Histogram batch_rows_;
};

}  // namespace sluice::metrics
