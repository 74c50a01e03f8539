// The Kafka probe of `sluice check` (check_probes.h): the cluster's topics
// from the metadata of a plain (not transactional) librdkafka producer, and
// each destination's topics and partition counts against them.
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>

#include "app/check_probes.h"
#include "common/text.h"
#include "kafka/producer.h"

namespace sluice::app {
namespace {

constexpr std::chrono::milliseconds kKafkaTimeout{5'000};

bool has_zookeeper_port(std::string_view servers) {
  for (std::string_view s : split(servers, ',')) {
    s = trim(s);
    const size_t colon = s.rfind(':');
    if (colon != std::string_view::npos && s.substr(colon + 1) == "2181")
      return true;
  }
  return false;
}

// Where a topic's expected partition count comes from.
struct PartitionSource {
  std::string where;
  std::string_view key;
};

PartitionSource partition_source(const config::InstanceConfig& in,
                                 bool dynamic) {
  if (dynamic && !in.dynamic_topic_partition_num.empty())
    return {in.dynamic_topic_partition_num_origin.text(),
            "canal.mq.dynamicTopicPartitionNum"};
  return {in.partitions_num_origin.text(), "canal.mq.partitionsNum"};
}

// canal.mq.topic (`dynamic` false), or a topic canal.mq.dynamicTopic
// routes to, which a broker may create on first use (so a missing one is a
// warning).
void check_topic(const std::string& topic, int32_t want, bool dynamic,
                 const config::InstanceConfig& in, const KafkaView& kafka,
                 Findings& f) {
  const bool hashed = !in.partition_hash.empty();
  const std::string count = std::to_string(want);
  const auto it = kafka.topics.find(topic);
  if (it == kafka.topics.end()) {
    // Enough for the hash, for the fixed canal.mq.partition, and for
    // sluice run, which wants canal.mq.partitionsNum of canal.mq.topic.
    const int32_t needed =
        std::max(hashed || !dynamic ? want : 1, in.partition + 1);
    f.add(dynamic ? Finding::Severity::kWarning : Finding::Severity::kError,
          dynamic ? in.dynamic_topic_origin.text() : in.topic_origin.text(),
          "topic " + topic +
              " does not exist (or this client may not describe it): create "
              "it with " +
              plural(static_cast<size_t>(needed), "partition") +
              " (kafka-topics.sh --create --topic " + topic + " --partitions " +
              std::to_string(needed) +
              "); a broker that creates topics on first use gives them its "
              "default partition count instead");
    return;
  }
  const int32_t have = it->second;
  const std::string has = "topic " + topic + " has " +
                          plural(static_cast<size_t>(have), "partition");
  const PartitionSource source = partition_source(in, dynamic);
  const std::string fix = "add partitions (kafka-topics.sh --alter --topic " +
                          topic + " --partitions " + count + ") or lower " +
                          std::string(source.key) + " to " +
                          std::to_string(have);
  if (have < want && (hashed || !dynamic)) {
    f.error(source.where,
            has + ", fewer than the " + count + " of " +
                std::string(source.key) +
                (hashed ? ": rows hashed to partition " + std::to_string(have) +
                              " or above cannot be delivered"
                        : ", and sluice run refuses to start") +
                "; " + fix);
  } else if (hashed && have > want) {
    f.warning(source.where,
              has + ", more than the " + count + " of " +
                  std::string(source.key) + ": canal hashes over " + count +
                  " only, so partitions " + count + " to " +
                  std::to_string(have - 1) + " stay empty; set it to " +
                  std::to_string(have) +
                  " to use them (rows then move to other partitions)");
  }
  if (!hashed && in.partition >= have) {
    f.error(key_where(in, "canal.mq.partition"),
            "every row goes to partition " + std::to_string(in.partition) +
                " (there is no canal.mq.partitionHash), but " + has);
  }
}

}  // namespace

std::optional<KafkaView> probe_kafka(const config::ServerConfig& server,
                                     Findings& f) {
  const config::KafkaProperty* bootstrap =
      server.kafka_property("bootstrap.servers");
  const std::string where =
      bootstrap != nullptr ? bootstrap->origin.text() : "bootstrap.servers";
  const std::string servers = bootstrap != nullptr ? bootstrap->value : "";
  kafka::ProducerOptions o;
  for (const config::KafkaProperty& p : server.kafka)
    o.properties.emplace_back(p.name, p.value);
  o.queue_kbytes = server.queue_kbytes;
  auto producer = kafka::Producer::create(std::move(o), kKafkaTimeout);
  if (!producer) {
    f.error(where, producer.error().message);
    return std::nullopt;
  }
  // All topics, as they are: asking for one by name could make a broker
  // with auto.create.topics.enable create it.
  const struct rd_kafka_metadata* md = nullptr;
  const rd_kafka_resp_err_t err =
      rd_kafka_metadata((*producer)->handle(), 1, nullptr, &md,
                        static_cast<int>(kKafkaTimeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::string m = "cannot reach Kafka: tried the bootstrap servers " +
                    servers + " for " +
                    std::to_string(kKafkaTimeout.count() / 1000) + " s (" +
                    kafka::kafka_error(err, "cluster metadata").message + ")";
    m += has_zookeeper_port(servers)
             ? "; port 2181 is ZooKeeper's, Kafka listens on 9092"
             : "; check that the brokers run and listen there (Kafka's "
               "default port is 9092) and the security settings "
               "(kafka.security.protocol, kafka.sasl.*)";
    f.error(where, m);
    return std::nullopt;
  }
  KafkaView view;
  for (int i = 0; i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    if (t.err == RD_KAFKA_RESP_ERR_NO_ERROR)
      view.topics.emplace(t.topic, t.partition_cnt);
  }
  rd_kafka_metadata_destroy(md);
  if (server.transactional) {
    f.note(config::Origin{server.path, 0, "canal.mq.transaction"}.text(),
           "Kafka transactions are on: the brokers must support them (Kafka "
           "0.11 or newer; on fewer than 3 brokers, lower "
           "transaction.state.log.replication.factor and "
           "transaction.state.log.min.isr to fit); this is not checked");
  }
  return view;
}

void check_topics(const CompiledDestination& d,
                  const std::vector<TableName>* tables, const KafkaView& kafka,
                  Findings& f) {
  const config::InstanceConfig& in = *d.instance;
  const int32_t partitions = in.partitions_num.value_or(1);
  if (in.dynamic_topic.empty()) {
    if (!in.topic.empty())
      check_topic(in.topic, partitions, false, in, kafka, f);
    return;
  }
  if (!d.dynamic || tables == nullptr) return;
  std::vector<std::string> topics;
  for (const TableName& t : *tables) {
    std::string topic = d.dynamic->topic_for(t.schema, t.table, in.topic);
    if (topic.empty() ||
        std::find(topics.begin(), topics.end(), topic) != topics.end()) {
      continue;
    }
    check_topic(topic, d.dynamic->partitions_for(topic, partitions), true, in,
                kafka, f);
    topics.push_back(std::move(topic));
  }
}

}  // namespace sluice::app
