// Reads back what sluice published: every record of a topic, from the
// start of each partition to its end, through a real librdkafka consumer.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sluice::test {

struct KafkaRecord {
  int32_t partition = 0;
  int64_t offset = 0;
  std::optional<std::string> key;  // nullopt: a null key
  std::string value;
  std::map<std::string, std::string> headers;
};

// All records of `topic` in partition, then offset order. Throws
// std::runtime_error when the topic cannot be read within `timeout_ms`.
std::vector<KafkaRecord> read_topic(const std::string& bootstrap,
                                    const std::string& topic,
                                    int timeout_ms = 30'000);

}  // namespace sluice::test
