// Reads a topic's records with a librdkafka consumer that owns no consumer
// group: every partition assigned from a chosen offset, read_committed by
// default. Used for the checkpoint topic (DESIGN §4), by `sluice consume`
// and by tests that check what sluice published.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"

namespace sluice::kafka {

struct TopicRecord {
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = -1;  // the producer's create time, -1 if none
  std::optional<std::string> key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;

  // The last header called `name`, or "".
  [[nodiscard]] std::string_view header(std::string_view name) const;
};

class TopicReader {
 public:
  struct Options {
    // Connection properties (bootstrap.servers, security.*, sasl.*, ...);
    // producer-only keys among them are left out.
    std::vector<std::pair<std::string, std::string>> properties;
    std::string topic;
    bool from_beginning = true;  // else only records written from now on
    // > 0: start this many offsets before each partition's end instead
    // (records and transaction markers both take an offset).
    int64_t tail = 0;
    bool read_committed = true;
    // A topic that does not exist gives a reader of no partitions instead
    // of kRefused.
    bool missing_ok = false;
    // How long a broker may hold a fetch that finds nothing new. It bounds
    // the delay to a new record, since a broker may hold an empty fetch
    // this long even when records arrive meanwhile (librdkafka's mock
    // cluster does).
    int fetch_wait_ms = 10;
  };

  // Finds the topic's partitions and assigns them all.
  [[nodiscard]] static Result<std::unique_ptr<TopicReader>> open(
      const Options& options, std::chrono::milliseconds timeout);
  ~TopicReader();
  TopicReader(const TopicReader&) = delete;
  TopicReader& operator=(const TopicReader&) = delete;

  [[nodiscard]] int32_t partitions() const { return partitions_; }

  // The next record, or nullopt after `timeout` without one. Reaching the
  // current end of a partition is counted in partitions_at_end().
  [[nodiscard]] Result<std::optional<TopicRecord>> next(
      std::chrono::milliseconds timeout);

  // Partitions whose end was reached at least once.
  [[nodiscard]] int32_t partitions_at_end() const { return at_end_; }

  // The partition's current end offset, asked of its leader.
  [[nodiscard]] Result<int64_t> end_offset(int32_t partition,
                                           std::chrono::milliseconds timeout);
  // How many offsets the partition holds (its end minus its start).
  [[nodiscard]] Result<int64_t> offsets_held(int32_t partition,
                                             std::chrono::milliseconds timeout);

 private:
  TopicReader() = default;
  // The partition's (start, end) offsets.
  [[nodiscard]] Result<std::pair<int64_t, int64_t>> watermarks(
      int32_t partition, std::chrono::milliseconds timeout);
  rd_kafka_t* rk_ = nullptr;
  std::string topic_;
  int32_t partitions_ = 0;
  std::vector<bool> ended_;
  int32_t at_end_ = 0;
};

}  // namespace sluice::kafka
