// Reads a destination's newest checkpoint from the checkpoint topic
// (DESIGN §4): a read_committed consumer reads the last offsets of every
// partition to its end and keeps the last record whose key is the
// destination; when there is none, it reads further back, up to the
// whole topic. A long-running destination's topic holds a checkpoint per
// Kafka transaction, so reading it all would make every start and every
// failover slower than the last.
// Run it after the producer's init_transactions, which aborts a dead
// predecessor's open transaction, so that the end of each partition is
// reachable.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "kafka/checkpoint.h"

namespace sluice::kafka {

struct CheckpointSource {
  // Connection properties (bootstrap.servers, security.*, sasl.*, ...).
  std::vector<std::pair<std::string, std::string>> properties;
  std::string topic;
  std::string destination;
  std::function<bool()> interrupt;
};

// The newest checkpoint, or nullopt when the topic holds none for the
// destination (or does not exist yet). kCorrupt names the record that
// cannot be read; kIo/kTimeout when the cluster does not answer in time.
[[nodiscard]] Result<std::optional<Checkpoint>> read_checkpoint(
    const CheckpointSource& source, std::chrono::milliseconds timeout);

}  // namespace sluice::kafka
