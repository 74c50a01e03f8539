#include "support/kafka_records.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>

namespace sluice::test {
namespace {

struct ConsumerDeleter {
  void operator()(rd_kafka_t* rk) const {
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
  }
};

void set(rd_kafka_conf_t* conf, const char* name, const std::string& value) {
  char err[512];
  if (rd_kafka_conf_set(conf, name, value.c_str(), err, sizeof err) !=
      RD_KAFKA_CONF_OK) {
    throw std::runtime_error(std::string("consumer property ") + name + ": " +
                             err);
  }
}

}  // namespace

std::vector<KafkaRecord> read_topic(const std::string& bootstrap,
                                    const std::string& topic, int timeout_ms) {
  const auto until =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", bootstrap);
  set(conf, "group.id", "sluice-test-reader");
  set(conf, "enable.auto.commit", "false");
  set(conf, "enable.partition.eof", "true");
  set(conf, "isolation.level", "read_committed");
  set(conf, "log_level", "3");
  char err[512];
  std::unique_ptr<rd_kafka_t, ConsumerDeleter> rk(
      rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err));
  if (!rk) throw std::runtime_error(std::string("consumer: ") + err);

  rd_kafka_topic_t* t = rd_kafka_topic_new(rk.get(), topic.c_str(), nullptr);
  const struct rd_kafka_metadata* md = nullptr;
  const rd_kafka_resp_err_t merr =
      rd_kafka_metadata(rk.get(), 0, t, &md, timeout_ms);
  rd_kafka_topic_destroy(t);
  if (merr != RD_KAFKA_RESP_ERR_NO_ERROR || md->topic_cnt != 1) {
    if (md) rd_kafka_metadata_destroy(md);
    throw std::runtime_error("metadata of " + topic + ": " +
                             rd_kafka_err2str(merr));
  }
  const int partitions = md->topics[0].partition_cnt;
  rd_kafka_metadata_destroy(md);

  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(rk.get(), list);
  rd_kafka_topic_partition_list_destroy(list);

  std::vector<KafkaRecord> out;
  std::vector<bool> ended(static_cast<size_t>(partitions), false);
  int remaining = partitions;
  while (remaining > 0) {
    if (std::chrono::steady_clock::now() > until)
      throw std::runtime_error("reading " + topic + ": end not reached");
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk.get(), 100);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      if (!ended[static_cast<size_t>(m->partition)]) {
        ended[static_cast<size_t>(m->partition)] = true;
        --remaining;
      }
    } else if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      KafkaRecord r;
      r.partition = m->partition;
      r.offset = m->offset;
      if (m->key) r.key.emplace(static_cast<const char*>(m->key), m->key_len);
      r.value.assign(static_cast<const char*>(m->payload), m->len);
      rd_kafka_headers_t* hdrs = nullptr;
      if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name = nullptr;
        const void* val = nullptr;
        size_t size = 0;
        for (size_t i = 0;
             rd_kafka_header_get_all(hdrs, i, &name, &val, &size) ==
             RD_KAFKA_RESP_ERR_NO_ERROR;
             ++i) {
          r.headers[name] =
              val ? std::string(static_cast<const char*>(val), size) : "";
        }
      }
      out.push_back(std::move(r));
    }
    rd_kafka_message_destroy(m);
  }
  std::stable_sort(
      out.begin(), out.end(), [](const KafkaRecord& a, const KafkaRecord& b) {
        return a.partition != b.partition ? a.partition < b.partition
                                          : a.offset < b.offset;
      });
  return out;
}

}  // namespace sluice::test
