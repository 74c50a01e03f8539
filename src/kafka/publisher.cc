#include "kafka/publisher.h"

namespace sluice::kafka {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kAbortTimeout{5'000};

bool same_position(const Checkpoint& a, const Checkpoint& b) {
  return a.file == b.file && a.pos == b.pos && a.gtid_set == b.gtid_set &&
         a.rows_in_txn == b.rows_in_txn;
}

}  // namespace

Result<std::unique_ptr<Publisher>> Publisher::create(PublisherOptions options,
                                                     milliseconds timeout) {
  std::unique_ptr<Publisher> p(new Publisher(std::move(options)));
  SLUICE_ASSIGN_OR_RETURN(p->producer_,
                          Producer::create(p->options_.producer, timeout));
  return p;
}

Status Publisher::publish(const OutgoingMessage& m, std::string_view where) {
  if (options_.leading && !options_.leading()) {
    return make_error(Errc::kNotLeader,
                      "the leader lock's lease ran out before " +
                          std::string(where) + " was published");
  }
  if (!open_) {
    SLUICE_RETURN_IF_ERROR(producer_->begin());
    open_ = true;
    rows_ = 0;
    bytes_ = 0;
  }
  SLUICE_RETURN_IF_ERROR(producer_->produce(m, where));
  // librdkafka adds a partition to the transaction 1 ms after the first
  // message to it. Re-stating the last committed checkpoint with the first
  // row puts the checkpoint's partition in the rows' registration, so the
  // closing checkpoint needs none of its own: its delivery took 1.6 ms
  // without this and 0.4 ms with it (G4, linger.ms=0). An aborted
  // transaction leaves the same record as before it.
  if (rows_ == 0 && wrote_any_ && producer_->transactional())
    SLUICE_RETURN_IF_ERROR(write_checkpoint(last_));
  ++rows_;
  ++rows_total_;
  bytes_ += m.value.size() + m.key.size();
  return {};
}

Status Publisher::write_checkpoint(const Checkpoint& at) {
  record_ = encode_checkpoint(at);
  OutgoingMessage m;
  m.topic = options_.meta_topic;
  m.partition = RD_KAFKA_PARTITION_UA;
  m.key = options_.destination;
  m.has_key = true;
  m.value = record_;
  return producer_->produce(m, "checkpoint " + options_.destination);
}

Status Publisher::close_batch(const Checkpoint& at, bool force) {
  const auto now = Clock::now();
  const bool transactional = producer_->transactional();
  if (!open_) {
    const bool moved = !wrote_any_ || !same_position(at, last_);
    // A batch that filled up inside a MySQL transaction left its
    // checkpoint there; the transaction's end is written at once, so the
    // resume point is a transaction boundary again without waiting for
    // the idle interval (or the next heartbeat).
    const bool ends_split_transaction =
        wrote_any_ && last_.rows_in_txn > 0 && at.rows_in_txn == 0;
    if (!force && !ends_split_transaction &&
        (!moved || now - last_write_ < options_.idle_checkpoint_every)) {
      return producer_->poll();
    }
    if (!moved && wrote_any_) return producer_->poll();
    SLUICE_RETURN_IF_ERROR(producer_->begin());
    open_ = true;
    rows_ = 0;
    bytes_ = 0;
  } else if (!transactional && !force &&
             now - last_write_ < options_.checkpoint_every) {
    // Idempotent mode: the rows stay in flight; the next close writes
    // the checkpoint once they are delivered.
    return producer_->poll();
  }
  SLUICE_RETURN_IF_ERROR(producer_->wait_delivered(options_.delivery_timeout));
  if (options_.confirm_leading)
    SLUICE_RETURN_IF_ERROR(options_.confirm_leading());
  SLUICE_RETURN_IF_ERROR(write_checkpoint(at));
  if (transactional) {
    SLUICE_RETURN_IF_ERROR(
        producer_->wait_delivered(options_.delivery_timeout));
    if (options_.leading && !options_.leading()) {
      return make_error(Errc::kNotLeader,
                        "the leader lock's lease ran out before the commit");
    }
    SLUICE_RETURN_IF_ERROR(producer_->commit(options_.delivery_timeout));
  } else if (force) {
    SLUICE_RETURN_IF_ERROR(
        producer_->wait_delivered(options_.delivery_timeout));
  }
  open_ = false;
  rows_ = 0;
  bytes_ = 0;
  ++batches_;
  last_ = at;
  wrote_any_ = true;
  last_write_ = now;
  return {};
}

Status Publisher::abandon_batch() {
  if (!open_) return {};
  open_ = false;
  rows_ = 0;
  bytes_ = 0;
  return producer_->abort(kAbortTimeout);
}

}  // namespace sluice::kafka
