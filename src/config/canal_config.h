// canal's configuration as sluice reads it (DESIGN §4, reference/
// canal-contract.md §3-§4): `<conf>/canal.properties` and
// `<conf>/<destination>/instance.properties` for every destination in
// `canal.destinations`. Both key generations work: canal 1.1.3/1.1.4
// (`canal.mq.servers`, `canal.mq.properties.<x>`) and 1.1.5+ (`kafka.<x>`
// passed through to the producer); where both are set the legacy name wins,
// as in canal. Keys sluice has no use for (ZooKeeper, TSDB, memory store,
// ...) are accepted and listed in `notes`, once. A value sluice cannot use
// is a Problem naming file:line:key and the fix; loading collects every
// problem instead of stopping at the first, for `sluice check`.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/secret.h"

namespace sluice::config {

// Where a value came from: "conf/test/instance.properties:12:
// canal.mq.partitionHash", or the key alone for a default.
struct Origin {
  std::string file;  // "" for a built-in default
  size_t line = 0;
  std::string key;

  // "file:line: key", or "key" alone for a default; the line and the key
  // are left out when 0 or empty.
  [[nodiscard]] std::string text() const;
};

struct Problem {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  Origin origin;
  std::string message;  // what is wrong and how to fix it
};

// How each row change is encoded in the Kafka value.
enum class MessageFormat {
  kFlat,           // canal.mq.flatMessage=true (canal's default)
  kCanalProtobuf,  // canal.mq.flatMessage=false
  kSluice,         // sluice.mq.format=sluice
};

// A librdkafka producer property, translated from the Java client's name
// where they differ.
struct KafkaProperty {
  std::string name;  // librdkafka name
  std::string value;
  Origin origin;
};

// Settings of canal.properties shared by every destination.
struct ServerConfig {
  std::string path;  // of canal.properties
  std::vector<std::string> destinations;
  Origin destinations_origin;
  std::string server_mode = "kafka";  // canal.serverMode
  uint16_t metrics_port = 11112;      // canal.metrics.pull.port
  std::string metrics_host;  // sluice.metrics.host; "" = every interface
  // Producer properties in librdkafka names (bootstrap.servers, acks,
  // compression.type, linger.ms, batch.size, message.max.bytes, sasl.*,
  // security.protocol, ...). bootstrap.servers is always present (canal's
  // default 127.0.0.1:9092 when unset; its Origin then has no file).
  std::vector<KafkaProperty> kafka;
  MessageFormat format = MessageFormat::kFlat;
  Origin format_origin;
  bool transactional = true;  // canal.mq.transaction (sluice default true)
  bool database_hash = true;  // canal.mq.database.hash
  bool filter_transaction_entry = false;
  std::string meta_topic = "__sluice_positions";  // sluice.meta.topic
  // Bound of the producer's queue (queue.buffering.max.kbytes); from
  // canal.mq.bufferMemory / kafka.buffer.memory when set.
  uint64_t queue_kbytes = 65536;
  // Rows and bytes that close a Kafka transaction early (sluice.batch.rows,
  // sluice.batch.bytes); a larger MySQL transaction spans several.
  uint64_t batch_rows = 50'000;
  uint64_t batch_bytes = 32ull << 20;
  std::chrono::milliseconds ha_poll{500};  // sluice.ha.poll.ms
  // sluice.ha.lock.timeout.s: how long after its holder falls silent the
  // server frees the leader lock (the lock session's wait_timeout).
  std::chrono::seconds ha_lock_timeout{5};
  std::string timezone;                    // sluice.timezone; "" = host's

  [[nodiscard]] const KafkaProperty* kafka_property(
      std::string_view name) const;
};

// One destination: <conf>/<name>/instance.properties.
struct InstanceConfig {
  std::string destination;
  std::string path;  // of instance.properties
  std::string master_host;
  uint16_t master_port = 3306;
  Origin master_origin;  // canal.instance.master.address
  // Start position, used only when no checkpoint exists.
  std::string journal_name;             // canal.instance.master.journal.name
  std::optional<uint64_t> position;     // canal.instance.master.position
  std::optional<int64_t> timestamp_ms;  // canal.instance.master.timestamp
  std::string gtid;                     // canal.instance.master.gtid
  bool gtid_mode = false;               // canal.instance.gtidon
  uint32_t slave_id = 0;  // canal.instance.mysql.slaveId, 0 = auto
  std::string user;       // canal.instance.dbUsername
  Secret password;        // canal.instance.dbPassword
  std::string connection_charset = "UTF-8";
  std::string default_database;  // canal.instance.defaultDatabaseName
  std::string filter_regex;      // canal.instance.filter.regex (unescaped)
  Origin filter_origin;
  std::string black_regex;  // canal.instance.filter.black.regex
  Origin black_origin;
  std::string field_filter;  // canal.instance.filter.field
  Origin field_origin;
  std::string black_field_filter;  // canal.instance.filter.black.field
  Origin black_field_origin;
  std::string topic;  // canal.mq.topic
  Origin topic_origin;
  int32_t partition = 0;                  // canal.mq.partition
  std::optional<int32_t> partitions_num;  // canal.mq.partitionsNum
  Origin partitions_num_origin;
  std::string partition_hash;  // canal.mq.partitionHash
  Origin partition_hash_origin;
  std::string dynamic_topic;  // canal.mq.dynamicTopic
  Origin dynamic_topic_origin;
  std::string dynamic_topic_partition_num;  // canal.mq.dynamicTopicPartitionNum
  Origin dynamic_topic_partition_num_origin;
};

struct CanalConfig {
  ServerConfig server;
  std::vector<InstanceConfig> instances;  // in canal.destinations order
  // Accepted, unused keys: one line per file and reason, naming every key
  // with its line ("<file>: not used by sluice (<reason>): k1 (line 4), ...").
  std::vector<std::string> notes;
  std::vector<Problem> problems;  // errors first, then warnings

  [[nodiscard]] bool has_errors() const;
};

// Reads `<conf_dir>/canal.properties` and the instance.properties of each
// destination (only `only_destination` when it is not empty; naming one
// not in canal.destinations is a problem). A missing or unreadable
// canal.properties is an Error (kIo/kUsage); everything else is collected
// in `problems`. Placeholders `${name}` resolve from the same file, then
// canal.properties, then the environment; they are expanded only in the
// values sluice reads. A key set to an empty value counts as absent, as
// canal treats its empty legacy keys. Instance keys missing from an
// instance.properties are looked up in canal.properties, as canal's Spring
// wiring does.
[[nodiscard]] Result<CanalConfig> load_canal_config(
    const std::string& conf_dir, const std::string& only_destination = "");

}  // namespace sluice::config
