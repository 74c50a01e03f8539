// The pieces of `sluice check` (DESIGN §3, §7): the list of findings it
// prints, a destination's filters and routing rules compiled offline as
// `sluice run` compiles them, and the online probes that compare them with
// the MySQL server (settings, grants, server id, start position, the
// tables partitionHash names) and the Kafka cluster (reachable, topics and
// their partition counts).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/canal_config.h"
#include "pipeline/partition_rules.h"
#include "pipeline/table_filter.h"

namespace sluice::app {

struct Finding {
  enum class Severity { kError, kWarning, kNote };
  Severity severity = Severity::kError;
  std::string where;    // "file:line: key", a server; "" when the message
                        // names its place itself
  std::string message;  // what is wrong and how to fix it
};

// Every finding of one check, each once, in the order found.
class Findings {
 public:
  void add(Finding::Severity severity, std::string where, std::string message);
  void error(std::string where, std::string message) {
    add(Finding::Severity::kError, std::move(where), std::move(message));
  }
  void warning(std::string where, std::string message) {
    add(Finding::Severity::kWarning, std::move(where), std::move(message));
  }
  void note(std::string where, std::string message) {
    add(Finding::Severity::kNote, std::move(where), std::move(message));
  }

  [[nodiscard]] const std::vector<Finding>& list() const { return list_; }
  [[nodiscard]] size_t count(Finding::Severity severity) const;

 private:
  std::vector<Finding> list_;
};

// A destination with what `sluice run` compiles from it; a member is empty
// when it did not compile (a finding says why).
struct CompiledDestination {
  const config::InstanceConfig* instance = nullptr;  // borrowed
  std::optional<pipeline::TableFilter> filter;
  std::optional<pipeline::PartitionRules> rules;
  std::optional<pipeline::DynamicTopics> dynamic;
  // PartitionRule::index of the rules already reported as never matching,
  // which the online check does not report again.
  std::vector<size_t> reported_rules;
  // The config loader found an error in canal.instance.master.address or
  // the account: MySQL is not contacted.
  bool skip_mysql = false;
};

struct TableName {
  std::string schema;
  std::string table;
};

// What the Kafka cluster holds: partition count per topic.
struct KafkaView {
  std::map<std::string, int32_t, std::less<>> topics;
};

// "1 table", "3 tables".
[[nodiscard]] std::string plural(size_t n, const char* word);

// "<instance.properties>: <key>", for a key of the destination that has no
// Origin of its own.
[[nodiscard]] std::string key_where(const config::InstanceConfig& in,
                                    std::string_view key);

// Connects to the cluster in `server.kafka` (bootstrap.servers, security,
// ...) with a plain, non-transactional producer and lists its topics,
// waiting at most 5 s. nullopt, with an error finding naming the servers
// tried, when it cannot.
[[nodiscard]] std::optional<KafkaView> probe_kafka(
    const config::ServerConfig& server, Findings& findings);

// Connects to the destination's MySQL server as its user and checks the
// settings, grants, server id, GTID mode, the position `sluice run` would
// start from (the checkpoint in sluice.meta.topic when `kafka` shows one,
// else canal.instance.master.*), and the partitionHash rules against the
// server's tables. Returns the tables the filter accepts, or nullopt when
// the server could not be asked.
[[nodiscard]] std::optional<std::vector<TableName>> check_mysql(
    const config::ServerConfig& server, const CompiledDestination& d,
    const KafkaView* kafka, Findings& findings);

// Checks that the destination's topics exist with the partitions canal
// hashes over: canal.mq.topic, or with canal.mq.dynamicTopic the topics of
// `tables` (skipped when nullptr).
void check_topics(const CompiledDestination& d,
                  const std::vector<TableName>* tables, const KafkaView& kafka,
                  Findings& findings);

}  // namespace sluice::app
