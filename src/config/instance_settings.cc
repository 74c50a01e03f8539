// One destination's instance.properties: the MySQL source, start position,
// filters and Kafka routing, with the routing lint canal never did (a
// partitionHash rule that cannot match sends everything to partition 0).
#include <algorithm>
#include <cstdlib>
#include <limits>
#include <utility>
#include <vector>

#include "common/text.h"
#include "config/config_sections.h"

namespace sluice::config {
namespace {

constexpr uint16_t kDefaultMySqlPort = 3306;
constexpr int64_t kMaxInt32 = std::numeric_limits<int32_t>::max();

// canal's wildcard test for a partitionHash or dynamicTopic name part.
bool has_regex_metachar(std::string_view s) {
  return s.find_first_of("*?+|(){}[]\\$^") != std::string_view::npos;
}

// An optional text key and its origin (the key alone when it is absent).
std::string read_text(SettingsReader& file, std::string_view key,
                      Origin& origin) {
  auto s = file.text(key);
  if (!s) {
    origin = Origin{"", 0, std::string(key)};
    return {};
  }
  origin = std::move(s->origin);
  return std::move(s->value);
}

void read_master_address(SettingsReader& file, InstanceConfig& out) {
  constexpr std::string_view kKey = "canal.instance.master.address";
  auto address = file.text(kKey);
  if (!address) {
    out.master_origin = file.missing(kKey);
    file.diagnostics().error(out.master_origin,
                             "not set: write the MySQL server to read the "
                             "binlog from, as host:port");
    return;
  }
  out.master_origin = address->origin;
  // host:port, [v6]:port, or a host alone (port 3306).
  const std::string_view text = address->value;
  std::string_view host = text;
  std::string_view port;
  if (text.starts_with('[')) {
    const size_t close = text.find(']');
    if (close == std::string_view::npos ||
        (close + 1 < text.size() && text[close + 1] != ':')) {
      file.diagnostics().error(
          out.master_origin,
          "`" + address->value + "`: write an IPv6 address as [addr]:port");
      return;
    }
    host = text.substr(1, close - 1);
    if (close + 1 < text.size()) port = text.substr(close + 2);
  } else if (text.find(':') == text.rfind(':')) {
    const size_t colon = text.find(':');
    if (colon != std::string_view::npos) {
      host = text.substr(0, colon);
      port = text.substr(colon + 1);
    }
  }
  uint16_t port_number = kDefaultMySqlPort;
  if (host.empty() || (!port.empty() && (!parse_number(port, port_number) ||
                                         port_number == 0))) {
    file.diagnostics().error(
        out.master_origin,
        "`" + address->value +
            "`: expected host:port with a port from 1 to 65535 (a host "
            "alone means port 3306)");
    return;
  }
  out.master_host = host;
  out.master_port = port_number;
}

void read_start_position(SettingsReader& file, InstanceConfig& out) {
  if (auto name = file.text("canal.instance.master.journal.name")) {
    out.journal_name = name->value;
  }
  if (auto pos = file.unsigned_integer("canal.instance.master.position", 0,
                                       std::numeric_limits<uint64_t>::max())) {
    out.position = pos->value;
  }
  if (auto ts = file.integer("canal.instance.master.timestamp", 0,
                             std::numeric_limits<int64_t>::max())) {
    out.timestamp_ms = ts->value;
  }
  if (auto gtid = file.text("canal.instance.master.gtid")) {
    out.gtid = gtid->value;
  }
  if (auto on = file.boolean("canal.instance.gtidon")) {
    out.gtid_mode = on->value;
  }
}

void read_account(SettingsReader& file, InstanceConfig& out) {
  if (auto id = file.unsigned_integer("canal.instance.mysql.slaveId", 0,
                                      std::numeric_limits<uint32_t>::max())) {
    out.slave_id = static_cast<uint32_t>(id->value);
  }
  constexpr std::string_view kUser = "canal.instance.dbUsername";
  if (auto user = file.text(kUser)) {
    out.user = user->value;
  } else {
    file.diagnostics().error(file.missing(kUser),
                             "not set: write the MySQL user sluice connects "
                             "as (it needs REPLICATION SLAVE, REPLICATION "
                             "CLIENT and SELECT)");
  }
  if (auto password = file.verbatim("canal.instance.dbPassword")) {
    out.password = Secret(std::move(password->value));
  } else if (const char* env = std::getenv("SLUICE_PASSWORD")) {
    out.password = Secret(env);
  }
  if (auto charset = file.text("canal.instance.connectionCharset")) {
    out.connection_charset = charset->value;
  }
  if (auto db = file.text("canal.instance.defaultDatabaseName")) {
    out.default_database = db->value;
  }
}

void read_routing(SettingsReader& file, InstanceConfig& out) {
  out.topic = read_text(file, "canal.mq.topic", out.topic_origin);
  out.dynamic_topic =
      read_text(file, "canal.mq.dynamicTopic", out.dynamic_topic_origin);
  out.partition_hash =
      read_text(file, "canal.mq.partitionHash", out.partition_hash_origin);
  out.dynamic_topic_partition_num =
      read_text(file, "canal.mq.dynamicTopicPartitionNum",
                out.dynamic_topic_partition_num_origin);
  auto partition = file.integer("canal.mq.partition", 0, kMaxInt32);
  if (partition) out.partition = static_cast<int32_t>(partition->value);
  out.partitions_num_origin = Origin{"", 0, "canal.mq.partitionsNum"};
  if (auto num = file.integer("canal.mq.partitionsNum", 1, kMaxInt32)) {
    out.partitions_num = static_cast<int32_t>(num->value);
    out.partitions_num_origin = num->origin;
  }

  Diagnostics& d = file.diagnostics();
  if (out.topic.empty() && out.dynamic_topic.empty()) {
    d.error(file.missing("canal.mq.topic"),
            "no topic: set canal.mq.topic (or canal.mq.dynamicTopic)");
  }
  if (!out.topic.empty() && !is_kafka_topic_name(out.topic)) {
    d.error(out.topic_origin, "`" + out.topic +
                                  "` is not a Kafka topic name (1 to 249 of "
                                  "a-z A-Z 0-9 . _ -)");
  }
  if (!out.partition_hash.empty() && !out.partitions_num) {
    d.warning(out.partition_hash_origin,
              "canal.mq.partitionsNum is not set, so canal uses one "
              "partition and every row goes to partition 0: set it to the "
              "topic's partition count");
  }
  if (partition && out.partitions_num && out.partition >= *out.partitions_num) {
    d.error(partition->origin,
            "partition " + std::to_string(out.partition) +
                " does not exist when canal.mq.partitionsNum is " +
                std::to_string(*out.partitions_num) +
                " (partitions are numbered from 0)");
  }
}

// The rules of canal.mq.partitionHash or canal.mq.dynamicTopicPartitionNum:
// canal turns ',' into ';' and splits on ';', dropping empty items.
std::vector<std::string_view> rule_items(const std::string& value,
                                         std::string& storage) {
  storage = value;
  std::replace(storage.begin(), storage.end(), ',', ';');
  std::vector<std::string_view> items;
  for (std::string_view item : split(storage, ';')) {
    item = trim(item);
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

// The schema to suggest for a table named without one: from a filter piece
// `schema\.table` naming that table, else defaultDatabaseName, else the one
// literal schema the filter names.
std::string schema_for(std::string_view table, const InstanceConfig& inst) {
  std::vector<std::string_view> schemas;
  for (std::string_view piece : split(inst.filter_regex, ',')) {
    piece = trim(piece);
    const size_t dot = piece.find("\\.");
    if (dot == std::string_view::npos) continue;
    const std::string_view schema = piece.substr(0, dot);
    if (schema.empty() || has_regex_metachar(schema)) continue;
    if (iequals(piece.substr(dot + 2), table)) return std::string(schema);
    if (std::none_of(schemas.begin(), schemas.end(),
                     [&](std::string_view s) { return iequals(s, schema); })) {
      schemas.push_back(schema);
    }
  }
  if (!inst.default_database.empty()) return inst.default_database;
  if (schemas.size() == 1) return std::string(schemas.front());
  return "<schema>";
}

void lint_partition_hash(SettingsReader& file, const InstanceConfig& inst) {
  std::string storage;
  for (const std::string_view rule : rule_items(inst.partition_hash, storage)) {
    const size_t colon = rule.rfind(':');
    const bool has_columns = colon != std::string_view::npos && colon > 0;
    const std::string_view name = has_columns ? rule.substr(0, colon) : rule;
    if (name.find('.') != std::string_view::npos || has_regex_metachar(name)) {
      continue;
    }
    const std::string fixed = schema_for(name, inst) + "." + std::string(rule);
    file.diagnostics().error(
        inst.partition_hash_origin,
        "rule `" + std::string(rule) + "` can never match: canal compares `" +
            std::string(name) +
            "` with schema.table, so every row goes to partition 0; write `" +
            fixed + "`");
  }
}

void lint_dynamic_partition_num(SettingsReader& file,
                                const InstanceConfig& inst) {
  std::string storage;
  for (const std::string_view item :
       rule_items(inst.dynamic_topic_partition_num, storage)) {
    const size_t colon = item.rfind(':');
    int64_t count = 0;
    if (colon == std::string_view::npos || colon == 0 ||
        !parse_number(item.substr(colon + 1), count) || count < 1 ||
        count > kMaxInt32) {
      file.diagnostics().error(
          inst.dynamic_topic_partition_num_origin,
          "item `" + std::string(item) +
              "`: expected topic:count with a count from 1 to " +
              std::to_string(kMaxInt32) + ", e.g. test.*:4,mycanal:6");
    }
  }
}

}  // namespace

InstanceConfig read_instance_settings(SettingsReader& file,
                                      std::string destination) {
  InstanceConfig out;
  out.destination = std::move(destination);
  out.path = file.path();
  read_master_address(file, out);
  read_start_position(file, out);
  read_account(file, out);
  out.filter_regex =
      read_text(file, "canal.instance.filter.regex", out.filter_origin);
  out.black_regex =
      read_text(file, "canal.instance.filter.black.regex", out.black_origin);
  out.field_filter =
      read_text(file, "canal.instance.filter.field", out.field_origin);
  out.black_field_filter = read_text(file, "canal.instance.filter.black.field",
                                     out.black_field_origin);
  read_routing(file, out);
  lint_partition_hash(file, out);
  lint_dynamic_partition_num(file, out);
  return out;
}

}  // namespace sluice::config
