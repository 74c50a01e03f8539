// What `sluice run` derives from a destination's configuration before it
// connects anywhere, and how it chooses where to start: the compiled
// filters and routing rules, the value format, the publisher's options,
// the topic check and the start position (checkpoint, else
// canal.instance.master.*, else the server's current position; DESIGN §4).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "codec/message_encoder.h"
#include "common/error.h"
#include "config/canal_config.h"
#include "ha/leader_lock.h"
#include "kafka/checkpoint.h"
#include "kafka/publisher.h"
#include "mysql/control_connection.h"
#include "mysql/replica_stream.h"
#include "pipeline/field_filter.h"
#include "pipeline/row_router.h"
#include "pipeline/table_filter.h"

namespace sluice::app {

struct DestinationRules {
  pipeline::TableFilter filter;
  pipeline::FieldFilter fields;
  pipeline::RoutingConfig routing;
  // Rules kept as canal keeps them though they can match nothing.
  std::vector<std::string> warnings;
};

// Compiles the filters and routing rules; kUsage naming file:line:key
// (also for a value format this build cannot write).
[[nodiscard]] Result<DestinationRules> destination_rules(
    const config::ServerConfig& server, const config::InstanceConfig& in);

// The encoder's format for canal.mq.flatMessage / sluice.mq.format.
[[nodiscard]] codec::ValueFormat value_format(
    const config::ServerConfig& server);

// The publisher's options for a destination (without interrupt and log).
// The leader lock of destination `in` on its source server (DESIGN §5).
[[nodiscard]] ha::LeaderLockOptions leader_lock_options(
    const config::ServerConfig& server, const config::InstanceConfig& in);

[[nodiscard]] kafka::PublisherOptions publisher_options(
    const config::ServerConfig& server, const std::string& destination);

// kUsage when canal.mq.topic has fewer partitions than partitionsNum.
[[nodiscard]] Status check_topic_partitions(kafka::Producer& producer,
                                            const config::InstanceConfig& in,
                                            std::chrono::milliseconds timeout);

struct StartChoice {
  mysql::StartPosition start;
  std::string reason;  // for the log: where it comes from
};

// Where to start: the checkpoint, else the configured position, else the
// server's current one; a file position is checked to be on the server.
[[nodiscard]] Result<StartChoice> choose_start(
    const config::InstanceConfig& in,
    const std::optional<kafka::Checkpoint>& checkpoint,
    mysql::ControlConnection& ctl);

// "file:pos" or "GTID set".
[[nodiscard]] std::string describe(const mysql::StartPosition& p);

}  // namespace sluice::app
