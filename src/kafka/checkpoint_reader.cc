#include "kafka/checkpoint_reader.h"

#include <librdkafka/rdkafka.h>

#include <memory>

#include "kafka/producer.h"

namespace sluice::kafka {
namespace {

using Clock = std::chrono::steady_clock;

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const {
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
  }
};
struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};

// Consumer-side keys only: the producer's would draw warnings.
bool connection_property(const std::string& name) {
  return name == "bootstrap.servers" || name == "metadata.broker.list" ||
         name.rfind("security.", 0) == 0 || name.rfind("sasl.", 0) == 0 ||
         name.rfind("ssl.", 0) == 0 || name == "client.id" ||
         name == "client.rack" || name == "broker.address.family" ||
         name == "socket.timeout.ms";
}

}  // namespace

Result<std::optional<Checkpoint>> read_checkpoint(
    const CheckpointSource& source, std::chrono::milliseconds timeout) {
  const auto until = Clock::now() + timeout;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512];
  std::vector<std::pair<std::string, std::string>> props;
  for (const auto& p : source.properties)
    if (connection_property(p.first)) props.push_back(p);
  props.emplace_back("group.id", "sluice-checkpoint-reader");
  props.emplace_back("enable.auto.commit", "false");
  props.emplace_back("enable.partition.eof", "true");
  props.emplace_back("isolation.level", "read_committed");
  props.emplace_back("auto.offset.reset", "earliest");
  for (const auto& [name, value] : props) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr,
                          sizeof errstr) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return make_error(Errc::kUsage,
                        "Kafka consumer property " + name + ": " + errstr);
    }
  }
  std::unique_ptr<rd_kafka_t, KafkaDeleter> rk(
      rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr));
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    return make_error(Errc::kUsage,
                      std::string("cannot create a Kafka consumer: ") + errstr);
  }
  const std::string where = "checkpoint topic " + source.topic;

  // Partitions of the topic; none (or no topic) = no checkpoint yet.
  int partitions = 0;
  for (;;) {
    rd_kafka_topic_t* t =
        rd_kafka_topic_new(rk.get(), source.topic.c_str(), nullptr);
    const struct rd_kafka_metadata* md = nullptr;
    const rd_kafka_resp_err_t err =
        rd_kafka_metadata(rk.get(), 0, t, &md, 1000);
    rd_kafka_topic_destroy(t);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const bool unknown =
          md->topic_cnt == 0 ||
          md->topics[0].err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
      partitions = unknown ? 0 : md->topics[0].partition_cnt;
      const rd_kafka_resp_err_t topic_err =
          md->topic_cnt == 0 ? RD_KAFKA_RESP_ERR_NO_ERROR : md->topics[0].err;
      rd_kafka_metadata_destroy(md);
      if (unknown) return std::optional<Checkpoint>();
      if (topic_err == RD_KAFKA_RESP_ERR_NO_ERROR && partitions > 0) break;
      if (topic_err != RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE)
        return tl::unexpected(kafka_error(topic_err, "reading " + where));
    } else if (Clock::now() >= until) {
      return tl::unexpected(kafka_error(err, "reading " + where));
    }
    if (source.interrupt && source.interrupt())
      return make_error(Errc::kCancelled, "stopped");
    if (Clock::now() >= until)
      return make_error(Errc::kTimeout, "reading " + where + ": no answer");
  }

  std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter> list(
      rd_kafka_topic_partition_list_new(partitions));
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(list.get(), source.topic.c_str(), p)
        ->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  if (const rd_kafka_resp_err_t err = rd_kafka_assign(rk.get(), list.get()))
    return tl::unexpected(kafka_error(err, "reading " + where));

  std::optional<Checkpoint> newest;
  int64_t newest_ts = -1;
  int at_end = 0;
  std::vector<bool> ended(static_cast<size_t>(partitions), false);
  while (at_end < partitions) {
    if (source.interrupt && source.interrupt())
      return make_error(Errc::kCancelled, "stopped");
    if (Clock::now() >= until) {
      return make_error(Errc::kTimeout,
                        "reading " + where + ": its end was not reached in " +
                            std::to_string(timeout.count()) + " ms");
    }
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk.get(), 100);
    if (m == nullptr) continue;
    std::unique_ptr<rd_kafka_message_t, void (*)(rd_kafka_message_t*)> hold(
        m, rd_kafka_message_destroy);
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      const auto p = static_cast<size_t>(m->partition);
      if (p < ended.size() && !ended[p]) {
        ended[p] = true;
        ++at_end;
      }
      continue;
    }
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      Error e = kafka_error(m->err, "reading " + where);
      if (e.code == Errc::kIo) continue;  // librdkafka retries by itself
      return tl::unexpected(e);
    }
    const std::string_view key(static_cast<const char*>(m->key), m->key_len);
    if (key != source.destination) continue;
    const std::string_view value(static_cast<const char*>(m->payload), m->len);
    auto parsed = parse_checkpoint(value);
    if (!parsed) {
      return tl::unexpected(with_context(
          parsed.error(), where + " partition " + std::to_string(m->partition) +
                              " offset " + std::to_string(m->offset)));
    }
    // One destination writes to one partition; across partitions (the
    // topic was repartitioned) the newest write wins.
    if (parsed->ts_ms >= newest_ts) {
      newest_ts = parsed->ts_ms;
      newest = std::move(*parsed);
    }
  }
  return newest;
}

}  // namespace sluice::kafka
