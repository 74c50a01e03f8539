#include "kafka/topic_reader.h"

#include "kafka/producer.h"

namespace sluice::kafka {
namespace {

// Keys a consumer shares with the producer's configuration.
bool connection_property(const std::string& name) {
  return name == "bootstrap.servers" || name == "metadata.broker.list" ||
         name.rfind("security.", 0) == 0 || name.rfind("sasl.", 0) == 0 ||
         name.rfind("ssl.", 0) == 0 || name == "client.id" ||
         name == "client.rack" || name == "broker.address.family" ||
         name == "socket.timeout.ms" || name == "socket.nagle.disable" ||
         name == "log_level" || name == "debug";
}

}  // namespace

std::string_view TopicRecord::header(std::string_view name) const {
  for (auto it = headers.rbegin(); it != headers.rend(); ++it)
    if (it->first == name) return it->second;
  return {};
}

Result<std::unique_ptr<TopicReader>> TopicReader::open(
    const Options& options, std::chrono::milliseconds timeout) {
  std::unique_ptr<TopicReader> r(new TopicReader());
  r->topic_ = options.topic;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512];
  std::vector<std::pair<std::string, std::string>> props;
  for (const auto& p : options.properties)
    if (connection_property(p.first)) props.push_back(p);
  props.emplace(props.begin(), "fetch.wait.max.ms",
                std::to_string(options.fetch_wait_ms));
  // As for the producer: no Nagle stalls behind pipelined requests.
  props.emplace(props.begin(), "socket.nagle.disable", "true");
  props.emplace_back("group.id", "sluice-reader");
  props.emplace_back("enable.auto.commit", "false");
  props.emplace_back("enable.partition.eof", "true");
  // Where a position the broker refuses leads: the start or the end.
  props.emplace_back("auto.offset.reset",
                     options.from_beginning ? "earliest" : "latest");
  props.emplace_back("isolation.level", options.read_committed
                                            ? "read_committed"
                                            : "read_uncommitted");
  for (const auto& [name, value] : props) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr,
                          sizeof errstr) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return make_error(Errc::kUsage,
                        "Kafka consumer property " + name + ": " + errstr);
    }
  }
  r->rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (r->rk_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    return make_error(Errc::kUsage,
                      std::string("cannot create a Kafka consumer: ") + errstr);
  }
  rd_kafka_topic_t* t =
      rd_kafka_topic_new(r->rk_, options.topic.c_str(), nullptr);
  const struct rd_kafka_metadata* md = nullptr;
  const rd_kafka_resp_err_t err =
      rd_kafka_metadata(r->rk_, 0, t, &md, static_cast<int>(timeout.count()));
  rd_kafka_topic_destroy(t);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return tl::unexpected(kafka_error(err, "reading topic " + options.topic));
  const rd_kafka_resp_err_t topic_err =
      md->topic_cnt == 1 ? md->topics[0].err
                         : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
  r->partitions_ = md->topic_cnt == 1 ? md->topics[0].partition_cnt : 0;
  rd_kafka_metadata_destroy(md);
  if (options.missing_ok &&
      topic_err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
    r->partitions_ = 0;
    return r;
  }
  if (topic_err != RD_KAFKA_RESP_ERR_NO_ERROR || r->partitions_ == 0) {
    return tl::unexpected(
        kafka_error(topic_err == RD_KAFKA_RESP_ERR_NO_ERROR
                        ? RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART
                        : topic_err,
                    "reading topic " + options.topic));
  }
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(r->partitions_);
  for (int32_t p = 0; p < r->partitions_; ++p) {
    rd_kafka_topic_partition_list_add(list, options.topic.c_str(), p)->offset =
        options.tail > 0         ? RD_KAFKA_OFFSET_TAIL(options.tail)
        : options.from_beginning ? RD_KAFKA_OFFSET_BEGINNING
                                 : RD_KAFKA_OFFSET_END;
  }
  const rd_kafka_resp_err_t aerr = rd_kafka_assign(r->rk_, list);
  rd_kafka_topic_partition_list_destroy(list);
  if (aerr != RD_KAFKA_RESP_ERR_NO_ERROR)
    return tl::unexpected(kafka_error(aerr, "reading topic " + options.topic));
  r->ended_.assign(static_cast<size_t>(r->partitions_), false);
  return r;
}

TopicReader::~TopicReader() {
  if (rk_ != nullptr) {
    rd_kafka_consumer_close(rk_);
    rd_kafka_destroy(rk_);
  }
}

Result<std::pair<int64_t, int64_t>> TopicReader::watermarks(
    int32_t partition, std::chrono::milliseconds timeout) {
  int64_t low = 0;
  int64_t high = 0;
  const rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
      rk_, topic_.c_str(), partition, &low, &high,
      static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return tl::unexpected(kafka_error(
        err,
        "offsets of " + topic_ + " partition " + std::to_string(partition)));
  }
  return std::make_pair(low, high);
}

Result<int64_t> TopicReader::end_offset(int32_t partition,
                                        std::chrono::milliseconds timeout) {
  SLUICE_ASSIGN_OR_RETURN(const auto w, watermarks(partition, timeout));
  return w.second;
}

Result<int64_t> TopicReader::offsets_held(int32_t partition,
                                          std::chrono::milliseconds timeout) {
  SLUICE_ASSIGN_OR_RETURN(const auto w, watermarks(partition, timeout));
  return w.second - w.first;
}

Result<std::optional<TopicRecord>> TopicReader::next(
    std::chrono::milliseconds timeout) {
  rd_kafka_message_t* m =
      rd_kafka_consumer_poll(rk_, static_cast<int>(timeout.count()));
  if (m == nullptr) return std::optional<TopicRecord>();
  std::unique_ptr<rd_kafka_message_t, void (*)(rd_kafka_message_t*)> hold(
      m, rd_kafka_message_destroy);
  if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
    const auto p = static_cast<size_t>(m->partition);
    if (p < ended_.size() && !ended_[p]) {
      ended_[p] = true;
      ++at_end_;
    }
    return std::optional<TopicRecord>();
  }
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    Error e = kafka_error(m->err, "reading topic " + topic_);
    // librdkafka retries transport errors by itself.
    if (e.code == Errc::kIo) return std::optional<TopicRecord>();
    return tl::unexpected(e);
  }
  TopicRecord r;
  r.partition = m->partition;
  r.offset = m->offset;
  rd_kafka_timestamp_type_t type;
  r.timestamp_ms = rd_kafka_message_timestamp(m, &type);
  if (m->key != nullptr)
    r.key.emplace(static_cast<const char*>(m->key), m->key_len);
  if (m->payload != nullptr)
    r.value.assign(static_cast<const char*>(m->payload), m->len);
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name = nullptr;
    const void* val = nullptr;
    size_t size = 0;
    for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &val, &size) ==
                       RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
      r.headers.emplace_back(
          name, val ? std::string(static_cast<const char*>(val), size) : "");
    }
  }
  return std::optional<TopicRecord>(std::move(r));
}

}  // namespace sluice::kafka
