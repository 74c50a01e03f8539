#include "config/canal_keys.h"

#include <algorithm>
#include <array>
#include <vector>

namespace sluice::config {
namespace {

struct ReadKey {
  std::string_view key;  // or a prefix ending in '.'
  KeyScope scope;
};

constexpr auto kServer = KeyScope::kServer;
constexpr auto kInstance = KeyScope::kInstance;

constexpr std::array kReadKeys{
    ReadKey{"canal.destinations", kServer},
    ReadKey{"canal.serverMode", kServer},
    ReadKey{"canal.metrics.pull.port", kServer},
    ReadKey{"canal.mq.servers", kServer},
    ReadKey{"canal.mq.acks", kServer},
    ReadKey{"canal.mq.compressionType", kServer},
    ReadKey{"canal.mq.lingerMs", kServer},
    ReadKey{"canal.mq.batchSize", kServer},
    ReadKey{"canal.mq.maxRequestSize", kServer},
    ReadKey{"canal.mq.bufferMemory", kServer},
    ReadKey{"canal.mq.retries", kServer},
    ReadKey{"canal.mq.flatMessage", kServer},
    ReadKey{"canal.mq.transaction", kServer},
    ReadKey{"canal.mq.database.hash", kServer},
    ReadKey{"canal.instance.filter.transaction.entry", kServer},
    ReadKey{"sluice.mq.format", kServer},
    ReadKey{"sluice.meta.topic", kServer},
    ReadKey{"sluice.batch.rows", kServer},
    ReadKey{"sluice.batch.bytes", kServer},
    ReadKey{"sluice.ha.poll.ms", kServer},
    ReadKey{"sluice.ha.lock.timeout.s", kServer},
    ReadKey{"sluice.timezone", kServer},
    ReadKey{"sluice.metrics.host", kServer},
    ReadKey{"kafka.", kServer},
    ReadKey{"canal.mq.properties.", kServer},
    ReadKey{"canal.mq.kafka.kerberos.", kServer},
    ReadKey{"canal.instance.master.address", kInstance},
    ReadKey{"canal.instance.master.journal.name", kInstance},
    ReadKey{"canal.instance.master.position", kInstance},
    ReadKey{"canal.instance.master.timestamp", kInstance},
    ReadKey{"canal.instance.master.gtid", kInstance},
    ReadKey{"canal.instance.gtidon", kInstance},
    ReadKey{"canal.instance.mysql.slaveId", kInstance},
    ReadKey{"canal.instance.dbUsername", kInstance},
    ReadKey{"canal.instance.dbPassword", kInstance},
    ReadKey{"canal.instance.connectionCharset", kInstance},
    ReadKey{"canal.instance.defaultDatabaseName", kInstance},
    ReadKey{"canal.instance.filter.regex", kInstance},
    ReadKey{"canal.instance.filter.black.regex", kInstance},
    ReadKey{"canal.instance.filter.field", kInstance},
    ReadKey{"canal.instance.filter.black.field", kInstance},
    ReadKey{"canal.mq.topic", kInstance},
    ReadKey{"canal.mq.partition", kInstance},
    ReadKey{"canal.mq.partitionsNum", kInstance},
    ReadKey{"canal.mq.partitionHash", kInstance},
    ReadKey{"canal.mq.dynamicTopic", kInstance},
    ReadKey{"canal.mq.dynamicTopicPartitionNum", kInstance},
};

// The reasons, few and grouped by what replaces the feature.
constexpr std::string_view kZooKeeper =
    "ZooKeeper is replaced by a MySQL advisory lock";
constexpr std::string_view kServerPort =
    "sluice has no canal client port or admin console; it serves /metrics "
    "only";
constexpr std::string_view kPositions =
    "positions are kept in the Kafka topic sluice.meta.topic, not in files";
constexpr std::string_view kScan =
    "sluice reads canal.destinations at start; restart it to add one";
constexpr std::string_view kConfDir = "the directory is given by --conf";
constexpr std::string_view kSpring =
    "canal's Spring wiring has no counterpart in sluice";
constexpr std::string_view kTsdb =
    "table schemas come from binlog metadata or information_schema, not a "
    "TSDB";
constexpr std::string_view kStore =
    "there is no event store: rows stream to Kafka through the bounded "
    "producer queue";
constexpr std::string_view kDetecting =
    "sluice notices a dead server through binlog heartbeats and its control "
    "connection";
constexpr std::string_view kStandby =
    "sluice follows the one server in canal.instance.master.address";
constexpr std::string_view kAliyun =
    "Aliyun RDS binlog download and Aliyun MQ are not supported";
constexpr std::string_view kParser =
    "canal's parser threads, socket and Druid settings do not apply to "
    "sluice's decoder";
constexpr std::string_view kBinlogCheck =
    "`sluice check` verifies binlog_format and binlog_row_image on the "
    "server instead";
constexpr std::string_view kFilter =
    "sluice publishes every row change and DDL of the tables "
    "canal.instance.filter.regex accepts";
constexpr std::string_view kFilterTrue =
    "canal would drop these changes, but sluice publishes every row change "
    "of the filtered tables: set it to false, or narrow "
    "canal.instance.filter.regex";
constexpr std::string_view kDdlTrue =
    "canal would drop DDL statements, but sluice publishes the DDL of the "
    "filtered tables: set it to false, or have consumers skip isDdl "
    "messages";
constexpr std::string_view kGetBatches =
    "sluice publishes rows as they arrive; sluice.batch.rows and "
    "sluice.batch.bytes bound a Kafka transaction";
constexpr std::string_view kOtherMq =
    "a RocketMQ, RabbitMQ or PulsarMQ setting; sluice publishes to Kafka "
    "only";
constexpr std::string_view kDruid =
    "sluice reads canal.instance.dbPassword as plain text";
constexpr std::string_view kDruidTrue =
    "with enableDruid=true canal.instance.dbPassword is encrypted with "
    "Druid's ConfigTools, which sluice cannot decrypt: set enableDruid=false "
    "and put the plain password in canal.instance.dbPassword or the "
    "SLUICE_PASSWORD environment variable";

constexpr auto kError = Problem::Severity::kError;
constexpr auto kWarning = Problem::Severity::kWarning;

constexpr std::array kUnusedKeys{
    UnusedKey{"canal.id", kZooKeeper, {}, kWarning},
    UnusedKey{"canal.zkServers", kZooKeeper, {}, kWarning},
    UnusedKey{"canal.zookeeper.", kZooKeeper, {}, kWarning},
    UnusedKey{"canal.ip", kServerPort, {}, kWarning},
    UnusedKey{"canal.register.ip", kServerPort, {}, kWarning},
    UnusedKey{"canal.port", kServerPort, {}, kWarning},
    UnusedKey{"canal.user", kServerPort, {}, kWarning},
    UnusedKey{"canal.passwd", kServerPort, {}, kWarning},
    UnusedKey{"canal.withoutNetty", kServerPort, {}, kWarning},
    UnusedKey{"canal.admin.", kServerPort, {}, kWarning},
    UnusedKey{"canal.file.", kPositions, {}, kWarning},
    UnusedKey{"canal.auto.reset.latest.pos.mode", kPositions, {}, kWarning},
    UnusedKey{"canal.auto.scan", kScan, {}, kWarning},
    UnusedKey{"canal.auto.scan.interval", kScan, {}, kWarning},
    UnusedKey{"canal.conf.dir", kConfDir, {}, kWarning},
    UnusedKey{"canal.instance.global.", kSpring, {}, kWarning},
    UnusedKey{"canal.instance.tsdb", kTsdb, {}, kWarning},
    UnusedKey{"canal.instance.tsdb.", kTsdb, {}, kWarning},
    UnusedKey{"canal.instance.memory.", kStore, {}, kWarning},
    UnusedKey{"canal.instance.transaction.size", kStore, {}, kWarning},
    UnusedKey{"canal.instance.detecting.", kDetecting, {}, kWarning},
    UnusedKey{"canal.instance.standby.", kStandby, {}, kWarning},
    UnusedKey{
        "canal.instance.fallbackIntervalInSeconds", kStandby, {}, kWarning},
    UnusedKey{"canal.instance.rds.", kAliyun, {}, kWarning},
    UnusedKey{"canal.aliyun.", kAliyun, {}, kWarning},
    UnusedKey{"canal.mq.accessChannel", kAliyun, {}, kWarning},
    UnusedKey{"canal.mq.aliyunuid", kAliyun, {}, kWarning},
    UnusedKey{"canal.mq.accessKey", kAliyun, {}, kWarning},
    UnusedKey{"canal.mq.secretKey", kAliyun, {}, kWarning},
    UnusedKey{"canal.mq.namespace", kAliyun, {}, kWarning},
    UnusedKey{"canal.instance.parser.", kParser, {}, kWarning},
    UnusedKey{"canal.instance.network.", kParser, {}, kWarning},
    UnusedKey{"canal.instance.mysql.", kParser, {}, kWarning},
    UnusedKey{"canal.instance.get.ddl.isolation", kParser, {}, kWarning},
    UnusedKey{"canal.instance.filter.druid.ddl", kParser, {}, kWarning},
    UnusedKey{"canal.mq.send.thread.size", kParser, {}, kWarning},
    UnusedKey{"canal.mq.build.thread.size", kParser, {}, kWarning},
    UnusedKey{"canal.instance.enableDruid", kDruid, kDruidTrue, kError},
    UnusedKey{"canal.instance.pwdPublicKey", kDruid, {}, kWarning},
    UnusedKey{"canal.instance.binlog.", kBinlogCheck, {}, kWarning},
    UnusedKey{"canal.instance.filter.query.ddl", kFilter, kDdlTrue, kWarning},
    UnusedKey{"canal.instance.filter.query.", kFilter, {}, kWarning},
    UnusedKey{"canal.instance.filter.table.error", kFilter, {}, kWarning},
    UnusedKey{"canal.instance.filter.rows", kFilter, kFilterTrue, kWarning},
    UnusedKey{"canal.instance.filter.dml.", kFilter, kFilterTrue, kWarning},
    UnusedKey{"canal.mq.canalBatchSize", kGetBatches, {}, kWarning},
    UnusedKey{"canal.mq.canalGetTimeout", kGetBatches, {}, kWarning},
    UnusedKey{"canal.mq.producerGroup", kOtherMq, {}, kWarning},
    UnusedKey{"canal.mq.enableMessageTrace", kOtherMq, {}, kWarning},
    UnusedKey{"canal.mq.customizedTraceTopic", kOtherMq, {}, kWarning},
    UnusedKey{"canal.mq.enableDynamicQueuePartition", kOtherMq, {}, kWarning},
    UnusedKey{"canal.mq.vhost", kOtherMq, {}, kWarning},
    UnusedKey{"canal.mq.exchange", kOtherMq, {}, kWarning},
    UnusedKey{"canal.mq.username", kOtherMq, {}, kWarning},
    UnusedKey{"canal.mq.password", kOtherMq, {}, kWarning},
    UnusedKey{"rocketmq.", kOtherMq, {}, kWarning},
    UnusedKey{"rabbitmq.", kOtherMq, {}, kWarning},
    UnusedKey{"pulsarmq.", kOtherMq, {}, kWarning},
};

bool is_prefix(std::string_view entry) {
  return !entry.empty() && entry.back() == '.';
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() > prefix.size() && s.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::optional<KeyScope> read_key_scope(std::string_view key) {
  for (const ReadKey& k : kReadKeys) {
    if (is_prefix(k.key) ? starts_with(key, k.key) : key == k.key) {
      return k.scope;
    }
  }
  return std::nullopt;
}

const UnusedKey* unused_key(std::string_view key) {
  const UnusedKey* best = nullptr;
  for (const UnusedKey& k : kUnusedKeys) {
    if (!is_prefix(k.key)) {
      if (key == k.key) return &k;
    } else if (starts_with(key, k.key) &&
               (best == nullptr || k.key.size() > best->key.size())) {
      best = &k;
    }
  }
  return best;
}

size_t edit_distance(std::string_view a, std::string_view b, size_t limit) {
  const size_t longer = std::max(a.size(), b.size());
  const size_t shorter = std::min(a.size(), b.size());
  if (longer - shorter > limit) return limit + 1;
  std::vector<size_t> previous(b.size() + 1);
  std::vector<size_t> current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    size_t row_min = current[0];
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t substitute =
          previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitute});
      row_min = std::min(row_min, current[j]);
    }
    if (row_min > limit) return limit + 1;
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::string closest_key(std::string_view key) {
  constexpr size_t kLimit = 2;
  std::string_view best;
  size_t best_distance = kLimit + 1;
  auto consider = [&](std::string_view candidate) {
    if (is_prefix(candidate)) return;
    const size_t d = edit_distance(key, candidate, kLimit);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  };
  for (const ReadKey& k : kReadKeys) consider(k.key);
  for (const UnusedKey& k : kUnusedKeys) consider(k.key);
  return std::string(best);
}

}  // namespace sluice::config
