// Batches of row changes published with their checkpoint (DESIGN §4).
// Transactional mode (canal.mq.transaction=true): a batch is one Kafka
// transaction holding one or more MySQL transactions (or a slice of a large
// one); closing it waits for the rows' delivery reports, then writes the
// checkpoint record and waits for it, then commits. The checkpoint is thus
// never visible before the rows it covers, even to a reader that sees
// aborted records (librdkafka's mock cluster). Idempotent mode (false): no
// Kafka transactions; a checkpoint is written at most every
// `checkpoint_every`, after every row before it was delivered, so a restart
// repeats only changes a position-aware consumer recognises.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"
#include "kafka/checkpoint.h"
#include "kafka/producer.h"

namespace sluice::kafka {

struct PublisherOptions {
  ProducerOptions producer;  // transactional_id set = transactional mode
  std::string meta_topic;
  std::string destination;  // the checkpoint record's key
  uint64_t batch_rows = 50'000;
  uint64_t batch_bytes = 32ull << 20;
  // How long a broker may keep deliveries waiting before the batch is
  // given up (and redone from the last checkpoint).
  std::chrono::milliseconds delivery_timeout{60'000};
  // Idempotent mode: the least time between checkpoint records.
  std::chrono::milliseconds checkpoint_every{100};
  // Both modes: a checkpoint-only record this often while the filter
  // passes nothing, so the position follows an idle table's server.
  std::chrono::milliseconds idle_checkpoint_every{1'000};
  // Leadership (DESIGN §5); unset = this node always leads. `leading` is
  // asked before every message and must be cheap; `confirm_leading` asks
  // the lock's server before every checkpoint, so before every commit.
  // When either says no, nothing more is produced: kNotLeader.
  std::function<bool()> leading;
  std::function<Status()> confirm_leading;
};

class Publisher {
 public:
  // Connects (init_transactions fences an older producer of the
  // destination) but publishes nothing yet.
  [[nodiscard]] static Result<std::unique_ptr<Publisher>> create(
      PublisherOptions options, std::chrono::milliseconds timeout);

  [[nodiscard]] bool transactional() const {
    return producer_->transactional();
  }

  // Adds a message to the open batch (opening one when none is).
  [[nodiscard]] Status publish(const OutgoingMessage& m,
                               std::string_view where);

  // True when the open batch has reached its row or byte bound.
  [[nodiscard]] bool batch_full() const {
    return rows_ >= options_.batch_rows || bytes_ >= options_.batch_bytes;
  }
  [[nodiscard]] uint64_t rows_in_batch() const { return rows_; }

  // Ends the open batch at `at` (everything published so far is before
  // it). Without an open batch, writes `at` only when the idle interval has
  // passed and it differs from the last one written, or when `force`.
  [[nodiscard]] Status close_batch(const Checkpoint& at, bool force = false);

  // Gives up the open batch (aborts its Kafka transaction); used before
  // redoing from the last checkpoint. Safe to call without one.
  [[nodiscard]] Status abandon_batch();

  // The last checkpoint written (and committed) by this publisher.
  [[nodiscard]] const Checkpoint& last_checkpoint() const { return last_; }
  [[nodiscard]] uint64_t rows_published() const { return rows_total_; }
  [[nodiscard]] uint64_t batches_committed() const { return batches_; }

  [[nodiscard]] Producer& producer() { return *producer_; }

 private:
  explicit Publisher(PublisherOptions options) : options_(std::move(options)) {}
  [[nodiscard]] Status write_checkpoint(const Checkpoint& at);

  using Clock = std::chrono::steady_clock;
  PublisherOptions options_;
  std::unique_ptr<Producer> producer_;
  bool open_ = false;
  uint64_t rows_ = 0;
  uint64_t bytes_ = 0;
  uint64_t rows_total_ = 0;
  uint64_t batches_ = 0;
  Checkpoint last_;
  bool wrote_any_ = false;
  Clock::time_point last_write_{};
  std::string record_;  // the checkpoint value, reused
};

}  // namespace sluice::kafka
