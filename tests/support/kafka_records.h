// Reads back what sluice published: every record of a topic, from the
// start of each partition to its end (read_committed).
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kafka/topic_reader.h"

namespace sluice::test {

using KafkaRecord = kafka::TopicRecord;

// All records of `topic` in partition, then offset order. Throws
// std::runtime_error when the topic cannot be read within `timeout_ms`.
std::vector<KafkaRecord> read_topic(const std::string& bootstrap,
                                    const std::string& topic,
                                    int timeout_ms = 30'000);

// Reads a topic from the beginning in a background thread, as a consumer
// would while sluice publishes (read_uncommitted). Tests of more than a few MiB
// need it: librdkafka's mock cluster keeps only the newest 5 MiB of each
// partition.
class TopicCollector {
 public:
  // Throws std::runtime_error when the topic cannot be opened.
  TopicCollector(const std::string& bootstrap, const std::string& topic);
  ~TopicCollector();
  TopicCollector(const TopicCollector&) = delete;
  TopicCollector& operator=(const TopicCollector&) = delete;

  // Waits until the reader has read every partition up to its end as the
  // broker reports it now, stops it and returns everything read, in
  // partition, then offset order. Throws when a partition lost records the
  // collector had not read yet (the mock's retention) or the reader
  // failed.
  std::vector<KafkaRecord> finish();

 private:
  void run();

  std::string topic_;
  std::unique_ptr<kafka::TopicReader> reader_;
  std::mutex mu_;
  std::vector<KafkaRecord> records_;
  std::vector<int64_t> next_;  // per partition: offset after the last read
  std::string error_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace sluice::test
