// read_checkpoint against librdkafka's mock cluster: the newest record of
// the destination wins, whether it is among the last offsets of the topic
// or far behind other destinations' records, and a destination that never
// wrote one (or a topic that does not exist) has none.
#include "kafka/checkpoint_reader.h"

#include <catch2/catch.hpp>
#include <string>

#include "kafka/checkpoint.h"
#include "kafka/mock_cluster.h"
#include "kafka/producer.h"

namespace sluice::kafka {
namespace {

using std::chrono::milliseconds;

constexpr const char* kMeta = "__sluice_positions";

void write(Producer& p, const std::string& destination, uint64_t pos) {
  Checkpoint c;
  c.file = "mysql-bin.000001";
  c.pos = pos;
  c.ts_ms = static_cast<int64_t>(pos);
  const std::string value = encode_checkpoint(c);
  OutgoingMessage m;
  m.topic = kMeta;
  m.partition = RD_KAFKA_PARTITION_UA;
  m.key = destination;
  m.has_key = true;
  m.value = value;
  REQUIRE(p.produce(m, "checkpoint"));
}

std::optional<Checkpoint> newest(const MockCluster& c,
                                 const std::string& destination,
                                 const std::string& topic = kMeta) {
  CheckpointSource src;
  src.properties = {{"bootstrap.servers", c.bootstrap()}};
  src.topic = topic;
  src.destination = destination;
  auto r = read_checkpoint(src, milliseconds(30'000));
  REQUIRE(r);
  return *r;
}

TEST_CASE("read_checkpoint: the newest record, near the end or far back",
          "[kafka][checkpoint]") {
  auto cluster = MockCluster::start(1);
  REQUIRE(cluster);
  MockCluster& c = **cluster;
  REQUIRE(c.create_topic(kMeta, 1));
  ProducerOptions o;
  o.properties = {{"bootstrap.servers", c.bootstrap()}, {"linger.ms", "5"}};
  auto producer = Producer::create(o, milliseconds(10'000));
  REQUIRE(producer);
  Producer& p = **producer;

  CHECK_FALSE(newest(c, "quiet"));
  CHECK_FALSE(newest(c, "quiet", "no_such_topic"));

  write(p, "quiet", 7);
  // Far more records of a busy destination than the first window reads.
  for (uint64_t i = 1; i <= 5000; ++i) write(p, "busy", i);
  REQUIRE(p.wait_delivered(milliseconds(30'000)));

  const auto busy = newest(c, "busy");
  REQUIRE(busy);
  CHECK(busy->pos == 5000);
  const auto quiet = newest(c, "quiet");
  REQUIRE(quiet);
  CHECK(quiet->pos == 7);
  CHECK_FALSE(newest(c, "never"));
}

}  // namespace
}  // namespace sluice::kafka
