// The publisher against librdkafka's mock cluster (real Kafka protocol on
// loopback): batches land with their headers and keys, the checkpoint is
// written after the rows and read back, a batch given up leaves the last
// checkpoint in place (and a transaction re-states it first), a broker that
// is away is a retryable error, and a record too large is a fatal one that
// says what to change.
#include "kafka/publisher.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "kafka/checkpoint.h"
#include "kafka/checkpoint_reader.h"
#include "kafka/mock_cluster.h"
#include "support/kafka_records.h"

namespace sluice::kafka {
namespace {

using std::chrono::milliseconds;

constexpr const char* kMeta = "__sluice_positions";

std::unique_ptr<MockCluster> cluster_with_topics() {
  auto c = MockCluster::start(1);
  REQUIRE(c);
  REQUIRE((*c)->create_topic("rows", 3));
  REQUIRE((*c)->create_topic(kMeta, 1));
  return std::move(*c);
}

PublisherOptions options(const MockCluster& c, bool transactional) {
  PublisherOptions o;
  o.producer.properties = {{"bootstrap.servers", c.bootstrap()},
                           {"log_level", "3"}};
  if (transactional) o.producer.transactional_id = "sluice-test";
  o.meta_topic = kMeta;
  o.destination = "test";
  return o;
}

std::unique_ptr<Publisher> publisher(const MockCluster& c, bool transactional,
                                     PublisherOptions o = {}) {
  if (o.meta_topic.empty()) o = options(c, transactional);
  auto p = Publisher::create(o, milliseconds(10'000));
  REQUIRE(p);
  return std::move(*p);
}

std::optional<Checkpoint> checkpoint_of(const MockCluster& c) {
  CheckpointSource src;
  src.properties = {{"bootstrap.servers", c.bootstrap()}};
  src.topic = kMeta;
  src.destination = "test";
  auto r = read_checkpoint(src, milliseconds(10'000));
  REQUIRE(r);
  return *r;
}

Checkpoint at(uint64_t pos) {
  Checkpoint c;
  c.file = "mysql-bin.000001";
  c.pos = pos;
  return c;
}

Status publish_rows(Publisher& p, int first, int count) {
  for (int i = first; i < first + count; ++i) {
    const std::string key = std::to_string(i);
    const std::string value = "{\"id\":" + key + "}";
    const std::string pos =
        "mysql-bin.000001:" + std::to_string(100 * i) + ":0";
    const std::string gtid = "0-1-" + key;
    OutgoingMessage m;
    m.topic = "rows";
    m.partition = i % 3;
    m.key = key;
    m.has_key = true;
    m.value = value;
    m.position = pos;
    m.gtid = gtid;
    SLUICE_RETURN_IF_ERROR(p.publish(m, pos));
  }
  return {};
}

TEST_CASE("a transactional batch lands whole, then its checkpoint",
          "[kafka][publisher]") {
  auto c = cluster_with_topics();
  CHECK_FALSE(checkpoint_of(*c));
  auto p = publisher(*c, true);
  REQUIRE(p->transactional());
  REQUIRE(publish_rows(*p, 1, 9));
  CHECK(p->rows_in_batch() == 9);
  REQUIRE(p->close_batch(at(1000)));
  CHECK(p->rows_in_batch() == 0);

  const auto records = test::read_topic(c->bootstrap(), "rows");
  REQUIRE(records.size() == 9);
  for (const auto& r : records) {
    REQUIRE(r.key);
    const int id = std::stoi(*r.key);
    CHECK(r.partition == id % 3);
    CHECK(r.value == "{\"id\":" + *r.key + "}");
    CHECK(r.header("sluice-pos") ==
          "mysql-bin.000001:" + std::to_string(100 * id) + ":0");
    CHECK(r.header("sluice-gtid") == "0-1-" + *r.key);
  }
  const auto cp = checkpoint_of(*c);
  REQUIRE(cp);
  CHECK(cp->file == "mysql-bin.000001");
  CHECK(cp->pos == 1000);
}

TEST_CASE("a transaction's first row re-states the committed checkpoint",
          "[kafka][publisher]") {
  auto c = cluster_with_topics();
  auto p = publisher(*c, true);
  REQUIRE(publish_rows(*p, 1, 2));
  REQUIRE(p->close_batch(at(200)));  // nothing to re-state yet
  REQUIRE(publish_rows(*p, 3, 2));
  REQUIRE(p->close_batch(at(400)));
  const auto records = test::read_topic(c->bootstrap(), kMeta);
  std::vector<uint64_t> positions;
  for (const auto& r : records) {
    auto cp = parse_checkpoint(r.value);
    REQUIRE(cp);
    positions.push_back(cp->pos);
  }
  CHECK(positions == std::vector<uint64_t>{200, 200, 400});
  CHECK(checkpoint_of(*c)->pos == 400);
}

TEST_CASE("a node that stops leading publishes and commits nothing more",
          "[kafka][publisher]") {
  auto c = cluster_with_topics();
  bool leading = true;
  Status confirmed;
  PublisherOptions o = options(*c, true);
  o.leading = [&] { return leading; };
  o.confirm_leading = [&] { return confirmed; };
  auto p = publisher(*c, true, o);
  REQUIRE(publish_rows(*p, 1, 3));
  REQUIRE(p->close_batch(at(300)));

  // The server no longer confirms the lock: the batch is not committed.
  REQUIRE(publish_rows(*p, 4, 3));
  confirmed = make_error(Errc::kNotLeader, "the lock is held by another node");
  auto closed = p->close_batch(at(600));
  REQUIRE_FALSE(closed);
  CHECK(closed.error().code == Errc::kNotLeader);
  REQUIRE(p->abandon_batch());

  // The lease ran out: not even a message is produced.
  leading = false;
  auto published = publish_rows(*p, 7, 1);
  REQUIRE_FALSE(published);
  CHECK(published.error().code == Errc::kNotLeader);
  CHECK(p->rows_in_batch() == 0);
  CHECK(checkpoint_of(*c)->pos == 300);
  // Rows 1-3 committed, 4-6 aborted (the mock cluster shows them anyway),
  // row 7 never sent.
  for (const auto& r : test::read_topic(c->bootstrap(), "rows"))
    CHECK(r.key != "7");
}

TEST_CASE("a batch given up leaves the last checkpoint", "[kafka][publisher]") {
  auto c = cluster_with_topics();
  auto p = publisher(*c, true);
  REQUIRE(publish_rows(*p, 1, 3));
  REQUIRE(p->close_batch(at(300)));
  REQUIRE(publish_rows(*p, 4, 3));
  REQUIRE(p->abandon_batch());
  // A new producer with the same transactional id takes over, as after a
  // restart; the checkpoint is still the committed one.
  p.reset();
  auto q = publisher(*c, true);
  const auto cp = checkpoint_of(*c);
  REQUIRE(cp);
  CHECK(cp->pos == 300);
}

TEST_CASE("an idle position is written at most once per interval",
          "[kafka][publisher]") {
  auto c = cluster_with_topics();
  auto o = options(*c, true);
  o.idle_checkpoint_every = milliseconds(60'000);
  auto p = publisher(*c, true, o);
  REQUIRE(p->close_batch(at(10)));  // the first one is written
  REQUIRE(p->close_batch(at(20)));  // too soon: not written
  CHECK(checkpoint_of(*c)->pos == 10);
  REQUIRE(p->close_batch(at(30), true));  // forced (shutdown)
  CHECK(checkpoint_of(*c)->pos == 30);
  CHECK(p->batches_committed() == 2);
}

TEST_CASE("the end of a transaction split by a full batch is written at once",
          "[kafka][publisher]") {
  auto c = cluster_with_topics();
  auto o = options(*c, true);
  o.idle_checkpoint_every = milliseconds(60'000);
  auto p = publisher(*c, true, o);
  REQUIRE(publish_rows(*p, 1, 3));
  Checkpoint inside = at(100);
  inside.rows_in_txn = 3;  // the batch filled up inside a transaction
  REQUIRE(p->close_batch(inside));
  // Its XID: no rows since, well within the idle interval, yet written.
  REQUIRE(p->close_batch(at(400)));
  const auto cp = checkpoint_of(*c);
  REQUIRE(cp);
  CHECK(cp->pos == 400);
  CHECK(cp->rows_in_txn == 0);
  // A boundary after a boundary waits for the interval as before.
  REQUIRE(p->close_batch(at(500)));
  CHECK(checkpoint_of(*c)->pos == 400);
}

TEST_CASE("idempotent mode writes the checkpoint after the rows' delivery",
          "[kafka][publisher]") {
  auto c = cluster_with_topics();
  auto o = options(*c, false);
  o.checkpoint_every = milliseconds(60'000);
  auto p = publisher(*c, false, o);
  REQUIRE_FALSE(p->transactional());
  REQUIRE(publish_rows(*p, 1, 5));
  REQUIRE(p->close_batch(at(500)));  // first: written
  REQUIRE(publish_rows(*p, 6, 5));
  REQUIRE(p->close_batch(at(1000)));  // within the interval: rows in flight
  REQUIRE(p->close_batch(at(1000), true));
  CHECK(test::read_topic(c->bootstrap(), "rows").size() == 10);
  CHECK(checkpoint_of(*c)->pos == 1000);
}

TEST_CASE("a broker that is away is a retryable error", "[kafka][publisher]") {
  auto c = cluster_with_topics();
  auto o = options(*c, true);
  o.delivery_timeout = milliseconds(1'500);
  auto p = publisher(*c, true, o);
  REQUIRE(publish_rows(*p, 1, 2));
  REQUIRE(p->close_batch(at(200)));
  REQUIRE(c->set_down(true));
  Status s = publish_rows(*p, 3, 2);
  if (s) s = p->close_batch(at(400));
  REQUIRE_FALSE(s);
  CHECK((s.error().code == Errc::kTimeout || s.error().code == Errc::kIo));
  REQUIRE(c->set_down(false));
}

TEST_CASE("a record too large stops with what to change",
          "[kafka][publisher]") {
  auto c = cluster_with_topics();
  auto o = options(*c, true);
  o.producer.properties.emplace_back("message.max.bytes", "2000");
  auto p = publisher(*c, true, o);
  const std::string big(5000, 'x');
  OutgoingMessage m;
  m.topic = "rows";
  m.value = big;
  m.position = "mysql-bin.000001:4711:0";
  Status s = p->publish(m, "mysql-bin.000001:4711 row 0 of test.commission");
  if (s) s = p->close_batch(at(5000));
  REQUIRE_FALSE(s);
  CHECK(s.error().code == Errc::kRefused);
  CHECK(s.error().message.find("mysql-bin.000001:4711") != std::string::npos);
  CHECK(s.error().message.find("RecordTooLarge") != std::string::npos);
  CHECK(s.error().message.find("max.request.size") != std::string::npos);
}

}  // namespace
}  // namespace sluice::kafka
