// The parts of load_canal_config that turn canal's keys into sluice's
// settings (internal to src/config): canal.properties' server settings,
// its Kafka producer properties (both key generations, translated to
// librdkafka names), and one destination's instance.properties, each with
// the lint `sluice check --offline` reports.
#pragma once

#include <string>

#include "config/canal_config.h"
#include "config/settings_reader.h"

namespace sluice::config {

// Fills `out` from canal.properties: destinations, serverMode, metrics
// port, message format, delivery and sluice.* settings.
void read_server_settings(SettingsReader& file, ServerConfig& out);

// Fills out.kafka (and out.queue_kbytes) from canal.mq.*, canal.mq.
// properties.* and kafka.*; legacy names win over kafka.* as in canal.
void read_kafka_settings(SettingsReader& file, ServerConfig& out);

// Reads one destination's instance.properties (backed by canal.properties).
[[nodiscard]] InstanceConfig read_instance_settings(SettingsReader& file,
                                                    std::string destination);

// Whether `name` is a legal Kafka topic name: 1 to 249 of [a-zA-Z0-9._-].
[[nodiscard]] bool is_kafka_topic_name(std::string_view name);

}  // namespace sluice::config
