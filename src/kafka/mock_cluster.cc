#include "kafka/mock_cluster.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace sluice::kafka {

Result<std::unique_ptr<MockCluster>> MockCluster::start(int brokers) {
  std::unique_ptr<MockCluster> m(new MockCluster());
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The handle only hosts the cluster; it never connects anywhere.
  rd_kafka_conf_set(conf, "log_level", "0", errstr, sizeof errstr);
  // The brokers' sockets take this handle's settings: without it Nagle's
  // algorithm holds back a response behind the previous one's delayed ACK
  // (~40 ms) whenever a client pipelines requests.
  rd_kafka_conf_set(conf, "socket.nagle.disable", "true", errstr,
                    sizeof errstr);
  m->rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (m->rk_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    return make_error(Errc::kIo,
                      std::string("cannot start the mock cluster: ") + errstr);
  }
  m->cluster_ = rd_kafka_mock_cluster_new(m->rk_, brokers);
  if (m->cluster_ == nullptr) {
    return make_error(Errc::kIo,
                      "cannot start the mock cluster (no free loopback port?)");
  }
  m->bootstrap_ = rd_kafka_mock_cluster_bootstraps(m->cluster_);
  return m;
}

MockCluster::~MockCluster() {
  if (cluster_ != nullptr) rd_kafka_mock_cluster_destroy(cluster_);
  if (rk_ != nullptr) rd_kafka_destroy(rk_);
}

Status MockCluster::create_topic(const std::string& name, int32_t partitions) {
  const rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, 1);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return make_error(Errc::kUsage, "cannot create topic " + name + ": " +
                                        rd_kafka_err2str(err));
  }
  return {};
}

Status MockCluster::set_down(bool down) {
  const rd_kafka_resp_err_t err =
      down ? rd_kafka_mock_broker_set_down(cluster_, -1)
           : rd_kafka_mock_broker_set_up(cluster_, -1);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return make_error(Errc::kIo,
                      std::string("mock cluster: ") + rd_kafka_err2str(err));
  }
  return {};
}

}  // namespace sluice::kafka
