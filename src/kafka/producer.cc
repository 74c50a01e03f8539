#include "kafka/producer.h"

#include <syslog.h>

#include <algorithm>

namespace sluice::kafka {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kPollSliceMs = 50;
constexpr const char* kPositionHeader = "sluice-pos";
constexpr const char* kGtidHeader = "sluice-gtid";

// Errors a broker coming back or a retry can cure.
bool transient(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
    case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_CONCURRENT_TRANSACTIONS:
    case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
    case RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR__PURGE_QUEUE:
    case RD_KAFKA_RESP_ERR__PURGE_INFLIGHT:
    case RD_KAFKA_RESP_ERR__STATE:
    case RD_KAFKA_RESP_ERR__RESOLVE:
    case RD_KAFKA_RESP_ERR__OUTDATED:
      return true;
    default:
      return false;
  }
}

std::string header_value(const rd_kafka_message_t* m, const char* name) {
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(m, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR)
    return {};
  const void* value = nullptr;
  size_t size = 0;
  if (rd_kafka_header_get_last(headers, name, &value, &size) !=
          RD_KAFKA_RESP_ERR_NO_ERROR ||
      value == nullptr) {
    return {};
  }
  return std::string(static_cast<const char*>(value), size);
}

}  // namespace

Error kafka_error(rd_kafka_resp_err_t err, std::string_view what) {
  std::string msg = std::string(what) + ": " + rd_kafka_err2str(err);
  switch (err) {
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
      return {Errc::kRefused,
              msg +
                  " (RecordTooLarge: one row change is larger than the "
                  "producer's message.max.bytes or the topic's "
                  "max.message.bytes; raise both (canal.mq.maxRequestSize "
                  "or kafka.max.request.size, and the topic config), or "
                  "leave the large column out with "
                  "canal.instance.filter.black.field)"};
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
      return {Errc::kRefused,
              msg +
                  " (grant the principal Write and Describe on the "
                  "topics, Write on the transactional id sluice-<"
                  "destination>, IdempotentWrite on the cluster; or set "
                  "canal.mq.transaction=false)"};
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
      return {Errc::kRefused,
              msg +
                  " (create the topic with the partition count of "
                  "canal.mq.partitionsNum, or enable auto-creation)"};
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
      return {Errc::kRefused,
              msg +
                  " (the topic has fewer partitions than "
                  "canal.mq.partitionsNum: add partitions or lower it)"};
    case RD_KAFKA_RESP_ERR__FENCED:
    case RD_KAFKA_RESP_ERR_PRODUCER_FENCED:
    case RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH:
      return {Errc::kRefused,
              msg +
                  " (another sluice with the same transactional id took "
                  "over this destination)"};
    default:
      return {transient(err) ? Errc::kIo : Errc::kRefused, msg};
  }
}

Result<std::unique_ptr<Producer>> Producer::create(ProducerOptions options,
                                                   milliseconds timeout) {
  std::unique_ptr<Producer> p(new Producer(std::move(options)));
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512];
  auto set = [&](const std::string& name, const std::string& value) -> Status {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr,
                          sizeof errstr) != RD_KAFKA_CONF_OK) {
      return make_error(Errc::kUsage,
                        "Kafka producer property " + name + ": " + errstr);
    }
    return {};
  };
  // Defaults the operator's properties may override (they are set later).
  // Nagle's algorithm holds a small request back until the previous one is
  // acknowledged, and with several produce requests in flight that is the
  // peer's delayed ACK: ~40 ms stalls (librdkafka leaves Nagle on before
  // 2.4).
  std::vector<std::pair<std::string, std::string>> props = {
      {"socket.nagle.disable", "true"}};
  props.insert(props.end(), p->options_.properties.begin(),
               p->options_.properties.end());
  props.emplace_back("enable.idempotence", "true");
  props.emplace_back("acks", "all");
  props.emplace_back(
      "queue.buffering.max.kbytes",
      std::to_string(std::max<uint64_t>(1, p->options_.queue_kbytes)));
  if (p->transactional())
    props.emplace_back("transactional.id", p->options_.transactional_id);
  // Retries are librdkafka's: a message stays queued while the broker is
  // away, up to the transaction timeout (or forever without one).
  if (!p->transactional()) props.emplace_back("message.timeout.ms", "0");
  for (const auto& [name, value] : props) {
    if (auto s = set(name, value); !s) {
      rd_kafka_conf_destroy(conf);
      return tl::unexpected(s.error());
    }
  }
  rd_kafka_conf_set_opaque(conf, p.get());
  rd_kafka_conf_set_dr_msg_cb(conf, &Producer::on_delivery);
  rd_kafka_conf_set_error_cb(conf, &Producer::on_error);
  rd_kafka_conf_set_log_cb(conf, &Producer::on_log);
  p->rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (p->rk_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    return make_error(
        Errc::kUsage,
        std::string("cannot create the Kafka producer: ") + errstr);
  }
  if (p->transactional()) {
    const auto until = Clock::now() + timeout;
    for (;;) {
      rd_kafka_error_t* e =
          rd_kafka_init_transactions(p->rk_, kPollSliceMs * 4);
      if (e == nullptr) break;
      const bool retry = rd_kafka_error_is_retriable(e) ||
                         rd_kafka_error_code(e) == RD_KAFKA_RESP_ERR__TIMED_OUT;
      if (!retry || Clock::now() >= until ||
          (p->options_.interrupt && p->options_.interrupt())) {
        Status s = p->take_error(e, "initializing Kafka transactions");
        if (p->options_.interrupt && p->options_.interrupt())
          return make_error(Errc::kCancelled, "stopped");
        return tl::unexpected(s.error());
      }
      rd_kafka_error_destroy(e);
    }
  }
  return p;
}

Producer::~Producer() {
  for (auto& [name, t] : topics_) rd_kafka_topic_destroy(t);
  // Without a flush: what is still queued is abandoned, as after a crash;
  // the checkpoint protocol makes that safe.
  if (rk_ != nullptr) {
    rd_kafka_purge(rk_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(rk_, 0);
    rd_kafka_destroy_flags(rk_, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
  }
}

void Producer::on_delivery(rd_kafka_t*, const rd_kafka_message_t* m,
                           void* opaque) {
  auto* self = static_cast<Producer*>(opaque);
  ++self->reported_;
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR &&
      self->delivery_error_ == RD_KAFKA_RESP_ERR_NO_ERROR) {
    self->delivery_error_ = m->err;
    const std::string pos = header_value(m, kPositionHeader);
    self->delivery_error_where_ =
        "delivering " +
        (pos.empty() ? std::string("the checkpoint record")
                     : "the change at " + pos) +
        " to " + rd_kafka_topic_name(m->rkt) + " partition " +
        std::to_string(m->partition) + " (" + std::to_string(m->len) +
        " bytes)";
  }
}

void Producer::on_error(rd_kafka_t* rk, int err, const char* reason,
                        void* opaque) {
  auto* self = static_cast<Producer*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    char buf[512];
    self->fatal_ = rd_kafka_fatal_error(rk, buf, sizeof buf);
    self->fatal_reason_ = buf;
  }
  if (self->options_.log)
    self->options_.log(LOG_WARNING, std::string("Kafka: ") + reason);
}

void Producer::on_log(const rd_kafka_t* rk, int level, const char* fac,
                      const char* buf) {
  auto* self = static_cast<Producer*>(rd_kafka_opaque(rk));
  if (self != nullptr && self->options_.log) {
    self->options_.log(level, std::string("Kafka ") + fac + ": " + buf);
  }
}

rd_kafka_topic_t* Producer::topic(std::string_view name) {
  auto it = topics_.find(std::string(name));
  if (it != topics_.end()) return it->second;
  rd_kafka_topic_t* t =
      rd_kafka_topic_new(rk_, std::string(name).c_str(), nullptr);
  if (t != nullptr) topics_.emplace(std::string(name), t);
  return t;
}

Status Producer::fatal_status() const {
  if (fatal_ == RD_KAFKA_RESP_ERR_NO_ERROR) return {};
  Error e = kafka_error(fatal_, "Kafka producer failed for good");
  e.code = Errc::kRefused;
  e.message += " (" + fatal_reason_ + ")";
  return tl::unexpected(e);
}

Status Producer::take_error(rd_kafka_error_t* error, std::string_view what) {
  const rd_kafka_resp_err_t code = rd_kafka_error_code(error);
  Error e = kafka_error(code, what);
  e.message += std::string(" (") + rd_kafka_error_string(error) + ")";
  if (rd_kafka_error_is_fatal(error)) {
    e.code = Errc::kRefused;
  } else if (rd_kafka_error_is_retriable(error) ||
             rd_kafka_error_txn_requires_abort(error)) {
    e.code = Errc::kIo;
  }
  rd_kafka_error_destroy(error);
  return tl::unexpected(e);
}

Status Producer::begin() {
  SLUICE_RETURN_IF_ERROR(fatal_status());
  delivery_error_ = RD_KAFKA_RESP_ERR_NO_ERROR;
  if (!transactional()) return {};
  if (rd_kafka_error_t* e = rd_kafka_begin_transaction(rk_))
    return take_error(e, "beginning a Kafka transaction");
  return {};
}

Status Producer::produce(const OutgoingMessage& m, std::string_view where) {
  rd_kafka_topic_t* t = topic(m.topic);
  if (t == nullptr) {
    return make_error(Errc::kUsage, "cannot use Kafka topic \"" +
                                        std::string(m.topic) + "\"");
  }
  rd_kafka_vu_t vu[7];
  size_t n = 0;
  vu[n].vtype = RD_KAFKA_VTYPE_RKT;
  vu[n++].u.rkt = t;
  vu[n].vtype = RD_KAFKA_VTYPE_PARTITION;
  vu[n++].u.i32 = m.partition;
  vu[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  vu[n++].u.i = RD_KAFKA_MSG_F_COPY;
  if (m.has_key) {
    vu[n].vtype = RD_KAFKA_VTYPE_KEY;
    vu[n].u.mem.ptr = const_cast<char*>(m.key.data());
    vu[n++].u.mem.size = m.key.size();
  }
  vu[n].vtype = RD_KAFKA_VTYPE_VALUE;
  vu[n].u.mem.ptr = const_cast<char*>(m.value.data());
  vu[n++].u.mem.size = m.value.size();
  if (!m.position.empty()) {
    vu[n].vtype = RD_KAFKA_VTYPE_HEADER;
    vu[n].u.header.name = kPositionHeader;
    vu[n].u.header.val = m.position.data();
    vu[n++].u.header.size = static_cast<ssize_t>(m.position.size());
  }
  if (!m.gtid.empty()) {
    vu[n].vtype = RD_KAFKA_VTYPE_HEADER;
    vu[n].u.header.name = kGtidHeader;
    vu[n].u.header.val = m.gtid.data();
    vu[n++].u.header.size = static_cast<ssize_t>(m.gtid.size());
  }
  for (;;) {
    rd_kafka_error_t* error = rd_kafka_produceva(rk_, vu, n);
    const rd_kafka_resp_err_t err = error == nullptr
                                        ? RD_KAFKA_RESP_ERR_NO_ERROR
                                        : rd_kafka_error_code(error);
    if (error != nullptr) rd_kafka_error_destroy(error);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ++queued_;
      return {};
    }
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      SLUICE_RETURN_IF_ERROR(fatal_status());
      return tl::unexpected(
          kafka_error(err, "producing the change at " + std::string(where) +
                               " to " + std::string(m.topic) + " partition " +
                               std::to_string(m.partition) + " (" +
                               std::to_string(m.value.size()) + " bytes)"));
    }
    // Back-pressure: the queue drains as deliveries are reported.
    rd_kafka_poll(rk_, kPollSliceMs);
    SLUICE_RETURN_IF_ERROR(fatal_status());
    if (options_.interrupt && options_.interrupt())
      return make_error(Errc::kCancelled,
                        "stopped while Kafka's queue was full");
  }
}

Status Producer::wait_delivered(milliseconds timeout) {
  const auto until = Clock::now() + timeout;
  rd_kafka_poll(rk_, 0);
  while (in_flight() > 0) {
    SLUICE_RETURN_IF_ERROR(fatal_status());
    if (delivery_error_ != RD_KAFKA_RESP_ERR_NO_ERROR) break;
    if (Clock::now() >= until) {
      return make_error(Errc::kTimeout,
                        std::to_string(in_flight()) +
                            " Kafka messages not acknowledged within " +
                            std::to_string(timeout.count()) +
                            " ms (is the broker reachable?)");
    }
    if (options_.interrupt && options_.interrupt())
      return make_error(Errc::kCancelled, "stopped while waiting for Kafka");
    rd_kafka_poll(rk_, kPollSliceMs);
  }
  SLUICE_RETURN_IF_ERROR(fatal_status());
  if (delivery_error_ != RD_KAFKA_RESP_ERR_NO_ERROR) {
    const rd_kafka_resp_err_t err = delivery_error_;
    delivery_error_ = RD_KAFKA_RESP_ERR_NO_ERROR;
    return tl::unexpected(kafka_error(err, delivery_error_where_));
  }
  return {};
}

Status Producer::poll() {
  rd_kafka_poll(rk_, 0);
  SLUICE_RETURN_IF_ERROR(fatal_status());
  if (delivery_error_ != RD_KAFKA_RESP_ERR_NO_ERROR) {
    const rd_kafka_resp_err_t err = delivery_error_;
    delivery_error_ = RD_KAFKA_RESP_ERR_NO_ERROR;
    return tl::unexpected(kafka_error(err, delivery_error_where_));
  }
  return {};
}

Status Producer::commit(milliseconds timeout) {
  if (!transactional()) return {};
  if (rd_kafka_error_t* e =
          rd_kafka_commit_transaction(rk_, static_cast<int>(timeout.count())))
    return take_error(e, "committing the Kafka transaction");
  return {};
}

Status Producer::abort(milliseconds timeout) {
  if (!transactional()) return {};
  if (rd_kafka_error_t* e =
          rd_kafka_abort_transaction(rk_, static_cast<int>(timeout.count())))
    return take_error(e, "aborting the Kafka transaction");
  return {};
}

Result<int32_t> Producer::partition_count(const std::string& name,
                                          milliseconds timeout) {
  rd_kafka_topic_t* t = topic(name);
  if (t == nullptr) {
    return make_error(Errc::kUsage, "cannot use Kafka topic \"" + name + "\"");
  }
  const struct rd_kafka_metadata* md = nullptr;
  const rd_kafka_resp_err_t err =
      rd_kafka_metadata(rk_, 0, t, &md, static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return tl::unexpected(
        kafka_error(err, "reading metadata of topic " + name));
  int32_t count = 0;
  rd_kafka_resp_err_t topic_err = RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
  for (int i = 0; i < md->topic_cnt; ++i) {
    if (name == md->topics[i].topic) {
      topic_err = md->topics[i].err;
      count = md->topics[i].partition_cnt;
    }
  }
  rd_kafka_metadata_destroy(md);
  if (topic_err != RD_KAFKA_RESP_ERR_NO_ERROR || count == 0) {
    return tl::unexpected(
        kafka_error(topic_err == RD_KAFKA_RESP_ERR_NO_ERROR
                        ? RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART
                        : topic_err,
                    "topic " + name));
  }
  return count;
}

}  // namespace sluice::kafka
