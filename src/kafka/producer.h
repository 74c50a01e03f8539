// A librdkafka producer (rdkafka.h) for one destination: idempotent,
// acks=all, transactional when asked (transactional.id =
// sluice-<destination>), with a bounded queue. Queued is not delivered
// (STYLE: librdkafka examples/transactions.c): deliveries are counted from
// delivery reports served by rd_kafka_poll on this thread, never by
// rd_kafka_flush, whose ~10 ms polling cadence would dominate latency
// (DESIGN §4). Errors come back as values whose Errc says what to do:
// kIo/kTimeout = the broker is away or slow (abort, back off, redo from the
// checkpoint); kRefused = fatal (fenced, not authorized, message too large:
// stop and explain); kCancelled = the operator asked to stop.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/error.h"

namespace sluice::kafka {

struct ProducerOptions {
  // librdkafka properties in the order they are applied; sluice's own
  // (idempotence, acks, transactional.id, queue bound) come last and win.
  std::vector<std::pair<std::string, std::string>> properties;
  std::string transactional_id;  // "" = not transactional
  uint64_t queue_kbytes = 65536;
  // Stop waiting (kCancelled) when this returns true; checked between polls.
  std::function<bool()> interrupt;
  // Receives librdkafka's log lines (level as syslog) and error events.
  std::function<void(int level, std::string_view line)> log;
};

// A message to produce. Views; librdkafka copies them.
struct OutgoingMessage {
  std::string_view topic;
  int32_t partition = 0;  // RD_KAFKA_PARTITION_UA: by key
  std::string_view key;   // empty with has_key = false: a null key
  bool has_key = false;
  std::string_view value;
  std::string_view position;  // the sluice-pos header, "" = none
  std::string_view gtid;      // the sluice-gtid header, "" = none
};

class Producer {
 public:
  // Creates the client; with a transactional id also runs
  // init_transactions, which fences an older producer with the same id and
  // aborts its open transaction.
  [[nodiscard]] static Result<std::unique_ptr<Producer>> create(
      ProducerOptions options, std::chrono::milliseconds timeout);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  [[nodiscard]] bool transactional() const {
    return !options_.transactional_id.empty();
  }

  // Starts a Kafka transaction (transactional mode only).
  [[nodiscard]] Status begin();

  // Queues a message; while librdkafka's queue is full it serves delivery
  // reports and retries, so a slow broker slows the caller (back-pressure).
  // `where` names the change in error messages (file:offset, table).
  [[nodiscard]] Status produce(const OutgoingMessage& m,
                               std::string_view where);

  // Waits until every queued message has its delivery report; the first
  // failed delivery is the error.
  [[nodiscard]] Status wait_delivered(std::chrono::milliseconds timeout);

  // Serves the delivery reports that have arrived, without waiting; a
  // failed delivery among them is the error.
  [[nodiscard]] Status poll();

  [[nodiscard]] Status commit(std::chrono::milliseconds timeout);
  [[nodiscard]] Status abort(std::chrono::milliseconds timeout);

  // Messages queued whose delivery report has not arrived.
  [[nodiscard]] uint64_t in_flight() const { return queued_ - reported_; }

  // Partitions of `topic` per the cluster's metadata; kRefused when it
  // does not exist.
  [[nodiscard]] Result<int32_t> partition_count(
      const std::string& topic, std::chrono::milliseconds timeout);

  [[nodiscard]] rd_kafka_t* handle() { return rk_; }

 private:
  explicit Producer(ProducerOptions options) : options_(std::move(options)) {}
  static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* m,
                          void* opaque);
  static void on_error(rd_kafka_t* rk, int err, const char* reason,
                       void* opaque);
  static void on_log(const rd_kafka_t* rk, int level, const char* fac,
                     const char* buf);
  [[nodiscard]] rd_kafka_topic_t* topic(std::string_view name);
  [[nodiscard]] Status take_error(rd_kafka_error_t* error,
                                  std::string_view what);
  [[nodiscard]] Status fatal_status() const;

  ProducerOptions options_;
  rd_kafka_t* rk_ = nullptr;
  std::unordered_map<std::string, rd_kafka_topic_t*> topics_;
  uint64_t queued_ = 0;
  uint64_t reported_ = 0;
  // First delivery failure since the last wait_delivered/begin.
  rd_kafka_resp_err_t delivery_error_ = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::string delivery_error_where_;
  rd_kafka_resp_err_t fatal_ = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::string fatal_reason_;
};

// What a Kafka error means for an operator, with the fix where one is
// known (RecordTooLarge, authorization, unknown topic, ...).
[[nodiscard]] Error kafka_error(rd_kafka_resp_err_t err, std::string_view what);

}  // namespace sluice::kafka
