// librdkafka's mock Kafka cluster (rdkafka_mock.h): real Kafka protocol on
// loopback listeners, in this process. The broker for tests and for the
// quickstart's sluice-mock-broker; not a production broker (it keeps
// everything in memory and shows aborted transactions to read_committed
// consumers, DESIGN §4).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/error.h"

struct rd_kafka_s;
struct rd_kafka_mock_cluster_s;

namespace sluice::kafka {

class MockCluster {
 public:
  // Starts `brokers` brokers on ephemeral loopback ports.
  [[nodiscard]] static Result<std::unique_ptr<MockCluster>> start(int brokers);
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  // "127.0.0.1:port,..." for bootstrap.servers.
  [[nodiscard]] const std::string& bootstrap() const { return bootstrap_; }

  // Creates a topic (a topic used before it exists is created with the
  // mock's default of 4 partitions).
  [[nodiscard]] Status create_topic(const std::string& name,
                                    int32_t partitions);

  // Every broker stops (down) or resumes accepting connections.
  [[nodiscard]] Status set_down(bool down);

 private:
  MockCluster() = default;
  rd_kafka_s* rk_ = nullptr;
  rd_kafka_mock_cluster_s* cluster_ = nullptr;
  std::string bootstrap_;
};

}  // namespace sluice::kafka
