// load_canal_config, canal.properties side: both key generations and their
// precedence, Kafka property translation, server settings and defaults,
// destinations and placeholders.
#include "config/canal_config.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "canal_conf_fixture.h"

namespace sluice::config {
namespace {

using testing::describe;
using testing::is_error;
using testing::kafka_value;
using testing::kInstance;
using testing::notes_containing;
using testing::problem_at;
using testing::ScopedEnv;
using testing::TempConf;
using testing::write_conf;

TEST_CASE("canal 1.1.5+ kafka.* keys", "[canal_config]") {
  TempConf conf;
  write_conf(conf,
             "kafka.bootstrap.servers = k1:9092,k2:9092\n"  // 2
             "kafka.acks = all\n"                           // 3
             "kafka.compression.type = LZ4\n"               // 4
             "kafka.linger.ms = 5\n"                        // 5
             "kafka.batch.size = 16384\n"                   // 6
             "kafka.max.request.size = 2097152\n"           // 7
             "kafka.buffer.memory = 33554432\n"             // 8
             "kafka.security.protocol = SASL_SSL\n"         // 9
             "kafka.sasl.username = alice\n");              // 10
  const CanalConfig c = conf.load();
  INFO(describe(c));
  CHECK(c.problems.empty());
  CHECK(kafka_value(c, "bootstrap.servers") == "k1:9092,k2:9092");
  CHECK(c.server.kafka.front().name == "bootstrap.servers");
  CHECK(c.server.kafka_property("bootstrap.servers")->origin.text() ==
        conf.path("canal.properties") + ":2: kafka.bootstrap.servers");
  CHECK(kafka_value(c, "acks") == "all");
  CHECK(kafka_value(c, "compression.type") == "lz4");
  CHECK(kafka_value(c, "linger.ms") == "5");
  CHECK(kafka_value(c, "batch.size") == "16384");
  CHECK(kafka_value(c, "message.max.bytes") == "2097152");
  CHECK(c.server.kafka_property("max.request.size") == nullptr);
  CHECK(c.server.kafka_property("buffer.memory") == nullptr);
  CHECK(c.server.queue_kbytes == 32768);
  CHECK(kafka_value(c, "security.protocol") == "SASL_SSL");
  CHECK(kafka_value(c, "sasl.username") == "alice");
  CHECK(c.server.kafka.size() == 8);
}

TEST_CASE("canal 1.1.4 canal.mq.* keys and canal.mq.properties.*",
          "[canal_config]") {
  TempConf conf;
  write_conf(conf,
             "canal.mq.servers = 10.0.0.1:9092\n"              // 2
             "canal.mq.acks = -1\n"                            // 3
             "canal.mq.compressionType = snappy\n"             // 4
             "canal.mq.lingerMs = 100\n"                       // 5
             "canal.mq.batchSize = 16384\n"                    // 6
             "canal.mq.maxRequestSize = 1048576\n"             // 7
             "canal.mq.bufferMemory = 1000\n"                  // 8
             "canal.mq.retries = 0\n"                          // 9
             "canal.mq.properties.client.id = canal-seed\n");  // 10
  const CanalConfig c = conf.load();
  INFO(describe(c));
  CHECK(c.problems.empty());
  CHECK(kafka_value(c, "bootstrap.servers") == "10.0.0.1:9092");
  CHECK(c.server.kafka_property("bootstrap.servers")->origin.key ==
        "canal.mq.servers");
  CHECK(kafka_value(c, "acks") == "-1");
  CHECK(kafka_value(c, "compression.type") == "snappy");
  CHECK(kafka_value(c, "linger.ms") == "100");
  CHECK(kafka_value(c, "batch.size") == "16384");
  CHECK(kafka_value(c, "message.max.bytes") == "1048576");
  CHECK(c.server.queue_kbytes == 1);  // 1000 bytes, rounded up to 1 KiB
  CHECK(kafka_value(c, "client.id") == "canal-seed");
  CHECK(c.server.kafka_property("retries") == nullptr);
  CHECK(c.notes == std::vector<std::string>{
                       conf.path("canal.properties") +
                       ": not used by sluice (sluice retries until "
                       "delivered; `retries` ignored): canal.mq.retries "
                       "(line 9)"});
}

TEST_CASE("a legacy key wins over its kafka.* name, as in canal",
          "[canal_config]") {
  TempConf conf;
  write_conf(conf,
             "kafka.bootstrap.servers = new:9092\n"  // 2
             "canal.mq.servers = old:9092\n"         // 3
             "canal.mq.lingerMs =\n"                 // 4: empty, no effect
             "kafka.linger.ms = 7\n"                 // 5
             "kafka.acks = all\n"                    // 6
             "canal.mq.properties.acks = -1\n");     // 7
  const CanalConfig c = conf.load();
  INFO(describe(c));
  CHECK(c.problems.empty());
  CHECK(kafka_value(c, "bootstrap.servers") == "old:9092");
  CHECK(kafka_value(c, "linger.ms") == "7");
  CHECK(kafka_value(c, "acks") == "-1");
  const std::string file = conf.path("canal.properties");
  CHECK(c.notes ==
        std::vector<std::string>{
            file + ": not used by sluice (canal.mq.servers on line 3 takes "
                   "precedence, as in canal): kafka.bootstrap.servers (line 2)",
            file + ": not used by sluice (canal.mq.properties.acks on line 7 "
                   "takes precedence, as in canal): kafka.acks (line 6)"});
}

TEST_CASE("defaults", "[canal_config]") {
  TempConf conf;
  write_conf(conf, "");
  const CanalConfig c = conf.load();
  INFO(describe(c));
  CHECK(c.problems.empty());
  CHECK(c.notes.empty());
  const ServerConfig& s = c.server;
  CHECK(s.path == conf.path("canal.properties"));
  CHECK(s.destinations == std::vector<std::string>{"test"});
  CHECK(s.destinations_origin.text() ==
        conf.path("canal.properties") + ":1: canal.destinations");
  CHECK(s.server_mode == "kafka");
  CHECK(s.metrics_port == 11112);
  REQUIRE(s.kafka.size() == 1);
  CHECK(s.kafka[0].name == "bootstrap.servers");
  CHECK(s.kafka[0].value == "127.0.0.1:9092");
  CHECK(s.kafka[0].origin.file.empty());
  CHECK(s.format == MessageFormat::kFlat);
  CHECK(s.format_origin.text() == "canal.mq.flatMessage");
  CHECK(s.transactional);
  CHECK(s.database_hash);
  CHECK_FALSE(s.filter_transaction_entry);
  CHECK(s.meta_topic == "__sluice_positions");
  CHECK(s.queue_kbytes == 65536);
  CHECK(s.batch_rows == 50'000);
  CHECK(s.batch_bytes == 32u << 20);
  CHECK(s.ha_poll == std::chrono::milliseconds(500));
  CHECK(s.ha_lock_timeout == std::chrono::seconds(5));
  CHECK(s.timezone.empty());

  REQUIRE(c.instances.size() == 1);
  const InstanceConfig& i = c.instances[0];
  CHECK(i.destination == "test");
  CHECK(i.path == conf.path("test/instance.properties"));
  CHECK(i.master_host == "127.0.0.1");
  CHECK(i.master_port == 3306);
  CHECK(i.master_origin.text() == conf.path("test/instance.properties") +
                                      ":1: canal.instance.master.address");
  CHECK(i.journal_name.empty());
  CHECK_FALSE(i.position);
  CHECK_FALSE(i.timestamp_ms);
  CHECK_FALSE(i.gtid_mode);
  CHECK(i.slave_id == 0);
  CHECK(i.user == "canal");
  CHECK(i.password.reveal() == "canal");
  CHECK(i.connection_charset == "UTF-8");
  CHECK(i.filter_regex.empty());
  CHECK(i.filter_origin.text() == "canal.instance.filter.regex");
  CHECK(i.topic == "commission");
  CHECK(i.partition == 0);
  CHECK_FALSE(i.partitions_num);
  CHECK(i.partition_hash.empty());
  CHECK(i.dynamic_topic.empty());
}

TEST_CASE("server settings", "[canal_config]") {
  TempConf conf;
  write_conf(conf,
             "canal.serverMode = KAFKA\n"                        // 2
             "canal.metrics.pull.port = 9100\n"                  // 3
             "canal.mq.flatMessage = FALSE\n"                    // 4
             "canal.mq.transaction = false\n"                    // 5
             "canal.mq.database.hash = false\n"                  // 6
             "canal.instance.filter.transaction.entry = true\n"  // 7
             "sluice.meta.topic = positions.v1\n"                // 8
             "sluice.batch.rows = 100\n"                         // 9
             "sluice.batch.bytes = 1048576\n"                    // 10
             "sluice.ha.poll.ms = 250\n"                         // 11
             "sluice.timezone = +08:00\n"                        // 12
             "sluice.ha.lock.timeout.s = 12\n");                 // 13
  const CanalConfig c = conf.load();
  INFO(describe(c));
  CHECK(c.problems.empty());
  const ServerConfig& s = c.server;
  CHECK(s.server_mode == "kafka");
  CHECK(s.metrics_port == 9100);
  CHECK(s.format == MessageFormat::kCanalProtobuf);
  CHECK(s.format_origin.text() ==
        conf.path("canal.properties") + ":4: canal.mq.flatMessage");
  CHECK_FALSE(s.transactional);
  CHECK_FALSE(s.database_hash);
  CHECK(s.filter_transaction_entry);
  CHECK(s.meta_topic == "positions.v1");
  CHECK(s.batch_rows == 100);
  CHECK(s.batch_bytes == 1048576);
  CHECK(s.ha_poll == std::chrono::milliseconds(250));
  CHECK(s.timezone == "+08:00");
  CHECK(s.ha_lock_timeout == std::chrono::seconds(12));
}

TEST_CASE("sluice.mq.format overrides canal.mq.flatMessage", "[canal_config]") {
  TempConf conf;
  write_conf(conf,
             "canal.mq.flatMessage = true\n"  // 2
             "sluice.mq.format = sluice\n");  // 3
  CanalConfig c = conf.load();
  CHECK(c.server.format == MessageFormat::kSluice);
  CHECK(c.server.format_origin.text() ==
        conf.path("canal.properties") + ":3: sluice.mq.format");

  write_conf(conf, "sluice.mq.format = canal-pb\n");
  c = conf.load();
  CHECK(c.server.format == MessageFormat::kCanalProtobuf);

  write_conf(conf, "sluice.mq.format = json\n");
  c = conf.load();
  const Problem& p =
      problem_at(c, conf.path("canal.properties") + ":2: sluice.mq.format");
  CHECK(is_error(p));
  CHECK(p.message == "expected flat, canal-pb or sluice, got `json`");
}

TEST_CASE("booleans are true or false, nothing else", "[canal_config]") {
  TempConf conf;
  write_conf(conf,
             "canal.mq.transaction = yes\n"  // 2
             "canal.mq.database.hash = 1\n"  // 3
             "canal.mq.flatMessage = True\n");
  const CanalConfig c = conf.load();
  const std::string file = conf.path("canal.properties");
  const Problem& p = problem_at(c, file + ":2: canal.mq.transaction");
  CHECK(is_error(p));
  CHECK(p.message.find("expected true or false, got `yes`") == 0);
  CHECK(is_error(problem_at(c, file + ":3: canal.mq.database.hash")));
  CHECK(c.problems.size() == 2);
  CHECK(c.server.transactional);  // the default stays
  CHECK(c.server.format == MessageFormat::kFlat);
}

TEST_CASE("numbers out of range name the accepted range", "[canal_config]") {
  TempConf conf;
  write_conf(conf,
             "canal.metrics.pull.port = 70000\n"  // 2
             "sluice.batch.rows = many\n"         // 3
             "sluice.ha.poll.ms = 0\n"            // 4
             "kafka.linger.ms = 1000000\n"        // 5
             "canal.mq.bufferMemory = -1\n"       // 6
             "sluice.ha.lock.timeout.s = 1\n");   // 7
  const CanalConfig c = conf.load();
  const std::string file = conf.path("canal.properties");
  CHECK(problem_at(c, file + ":2: canal.metrics.pull.port").message ==
        "expected a whole number from 1 to 65535, got `70000`");
  CHECK(problem_at(c, file + ":3: sluice.batch.rows").message ==
        "expected a whole number from 1 to 10000000, got `many`");
  CHECK(problem_at(c, file + ":4: sluice.ha.poll.ms").message ==
        "expected a whole number from 10 to 60000, got `0`");
  CHECK(problem_at(c, file + ":5: kafka.linger.ms").message ==
        "expected a whole number from 0 to 900000, got `1000000`");
  CHECK(is_error(problem_at(c, file + ":6: canal.mq.bufferMemory")));
  CHECK(problem_at(c, file + ":7: sluice.ha.lock.timeout.s").message ==
        "expected a whole number from 2 to 3600, got `1`");
  CHECK(c.server.metrics_port == 11112);
  CHECK(c.server.kafka_property("linger.ms") == nullptr);
  CHECK(c.server.queue_kbytes == 65536);
}

TEST_CASE("serverMode other than kafka", "[canal_config]") {
  TempConf conf;
  for (const char* mode : {"tcp", "rocketMQ", "rabbitMQ", "pulsarMQ"}) {
    write_conf(conf, "canal.serverMode = " + std::string(mode) + "\n");
    const CanalConfig c = conf.load();
    const Problem& p =
        problem_at(c, conf.path("canal.properties") + ":2: canal.serverMode");
    CHECK(is_error(p));
    CHECK(p.message.find("sluice publishes to Kafka only") !=
          std::string::npos);
  }
}

TEST_CASE("Kafka values sluice checks itself", "[canal_config]") {
  TempConf conf;
  write_conf(conf,
             "kafka.compression.type = brotli\n"            // 2
             "canal.mq.acks = 1\n"                          // 3
             "kafka.batch.size = 0\n"                       // 4
             "kafka.queue.buffering.max.kbytes = 2048\n");  // 5
  const CanalConfig c = conf.load();
  const std::string file = conf.path("canal.properties");
  CHECK(problem_at(c, file + ":2: kafka.compression.type").message ==
        "expected none, gzip, snappy, lz4 or zstd, got `brotli`");
  const Problem& acks = problem_at(c, file + ":3: canal.mq.acks");
  CHECK_FALSE(is_error(acks));
  CHECK(acks.message.find("needs acks=all") != std::string::npos);
  CHECK(is_error(problem_at(c, file + ":4: kafka.batch.size")));
  CHECK(c.server.kafka_property("acks") == nullptr);
  CHECK(c.server.kafka_property("compression.type") == nullptr);
  CHECK(c.server.queue_kbytes == 2048);
  CHECK(c.server.kafka_property("queue.buffering.max.kbytes") == nullptr);
}

TEST_CASE("Java-only producer keys", "[canal_config]") {
  TempConf conf;
  write_conf(conf,
             "kafka.sasl.jaas.config = org.apache.kafka.common.security."
             "plain.PlainLoginModule required username=\"u\" "
             "password=\"secret\";\n"                                      // 2
             "kafka.key.serializer = org.apache.kafka.StringSerializer\n"  // 3
             "kafka.enable.idempotence = false\n"                          // 4
             "kafka.transactional.id = canal\n"                            // 5
             "kafka.max.in.flight.requests.per.connection = 1\n"           // 6
             "kafka.retries = 3\n"                                         // 7
             "canal.mq.kafka.kerberos.enable = true\n"                     // 8
             "kafka.kerberos.krb5.file = ../conf/kerberos/krb5.conf\n");   // 9
  const CanalConfig c = conf.load();
  INFO(describe(c));
  const std::string file = conf.path("canal.properties");
  const Problem& jaas = problem_at(c, file + ":2: kafka.sasl.jaas.config");
  CHECK(is_error(jaas));
  CHECK(jaas.message.find("kafka.sasl.username and kafka.sasl.password") !=
        std::string::npos);
  CHECK(describe(c).find("secret") == std::string::npos);
  CHECK(is_error(problem_at(c, file + ":8: canal.mq.kafka.kerberos.enable")));
  CHECK(c.problems.size() == 2);
  CHECK(c.server.kafka.size() == 1);  // bootstrap.servers only
  // One note per reason, naming every key with its line.
  CHECK(notes_containing(c,
                         ": not used by sluice (a Java client class; sluice "
                         "serializes messages itself): kafka.key.serializer "
                         "(line 3)") == 1);
  CHECK(notes_containing(c, ": not used by sluice (sluice sets it") == 1);
  CHECK(notes_containing(c,
                         "): kafka.enable.idempotence (line 4), "
                         "kafka.transactional.id (line 5), "
                         "kafka.max.in.flight.requests.per.connection (line "
                         "6)") == 1);
  CHECK(notes_containing(c,
                         ": not used by sluice (sluice retries until "
                         "delivered; `retries` ignored): kafka.retries (line "
                         "7)") == 1);
  CHECK(notes_containing(c, "): kafka.kerberos.krb5.file (line 9)") == 1);
  CHECK(c.notes.size() == 4);
}

TEST_CASE("bootstrap.servers on ZooKeeper's port", "[canal_config]") {
  TempConf conf;
  write_conf(conf, "kafka.bootstrap.servers = PLAINTEXT://k1:9092,zk:2181\n");
  const CanalConfig c = conf.load();
  const Problem& p = problem_at(
      c, conf.path("canal.properties") + ":2: kafka.bootstrap.servers");
  CHECK(is_error(p));
  CHECK(p.message ==
        "port 2181 is ZooKeeper's; Kafka listens on 9092 by default: set "
        "canal.mq.servers (or kafka.bootstrap.servers) to the Kafka brokers");
}

TEST_CASE("destinations", "[canal_config]") {
  TempConf conf;
  const std::string file = conf.path("canal.properties");
  SECTION("empty list") {
    conf.write("canal.properties",
               "canal.serverMode=kafka\ncanal.destinations= , \n");
    conf.write("shop/instance.properties", kInstance);
    const CanalConfig c = conf.load();
    const Problem& p = problem_at(c, file + ":2: canal.destinations");
    CHECK(is_error(p));
    CHECK(p.message.find("(found: shop)") != std::string::npos);
    CHECK(c.instances.empty());
  }
  SECTION("absent") {
    conf.write("canal.properties", "canal.serverMode=kafka\n");
    const CanalConfig c = conf.load();
    CHECK(is_error(problem_at(c, file + ": canal.destinations")));
  }
  SECTION("missing instance.properties") {
    conf.write("canal.properties", "canal.destinations = test, shop\n");
    conf.write("test/instance.properties", kInstance);
    const CanalConfig c = conf.load();
    const Problem& p = problem_at(c, file + ":1: canal.destinations");
    CHECK(is_error(p));
    CHECK(p.message.find(conf.path("shop/instance.properties") +
                         " not found") != std::string::npos);
    REQUIRE(c.instances.size() == 1);
    CHECK(c.server.destinations == std::vector<std::string>{"test", "shop"});
  }
  SECTION("malformed instance.properties") {
    conf.write("canal.properties", "canal.destinations = test\n");
    conf.write("test/instance.properties", "a=1\nb=\\u12\n");
    const CanalConfig c = conf.load();
    const Problem& p =
        problem_at(c, conf.path("test/instance.properties") + ":2");
    CHECK(is_error(p));
    CHECK(p.message.find("b: malformed \\uXXXX escape") == 0);
    CHECK(c.instances.empty());
  }
  SECTION("one destination") {
    conf.write("canal.properties", "canal.destinations = test,shop\n");
    conf.write("test/instance.properties", kInstance);
    conf.write("shop/instance.properties", kInstance);
    CHECK(conf.load().instances.size() == 2);
    CanalConfig c = conf.load("shop");
    REQUIRE(c.instances.size() == 1);
    CHECK(c.instances[0].destination == "shop");
    CHECK(c.problems.empty());
    c = conf.load("nope");
    CHECK(c.instances.empty());
    CHECK(problem_at(c, file + ":1: canal.destinations")
              .message.find("`nope` is not in canal.destinations") !=
          std::string::npos);
  }
}

TEST_CASE("missing canal.properties is an error naming --conf",
          "[canal_config]") {
  TempConf conf;
  auto c = load_canal_config(conf.dir());
  REQUIRE_FALSE(c);
  CHECK(c.error().code == Errc::kUsage);
  CHECK(c.error().message.find(conf.path("canal.properties")) == 0);
  CHECK(c.error().message.find("--conf DIR should point at canal's conf "
                               "directory") != std::string::npos);
}

TEST_CASE("placeholders", "[canal_config]") {
  TempConf conf;
  const ScopedEnv env("SLUICE_TEST_KAFKA_HOST", "broker7");
  conf.write("canal.properties",
             "canal.destinations=test\n"                                 // 1
             "kafka.bootstrap.servers=${SLUICE_TEST_KAFKA_HOST}:9092\n"  // 2
             "topic.prefix=shop\n"                                       // 3
             "sluice.timezone=${SLUICE_TEST_UNSET_TZ:+08:00}\n");        // 4
  conf.write("test/instance.properties",
             "db.host=10.1.1.1\n"                                         // 1
             "canal.instance.master.address=${db.host}:3307\n"            // 2
             "canal.instance.dbUsername=${canal.instance.destination}\n"  // 3
             "canal.mq.topic=${topic.prefix}_commission\n"                // 4
             "canal.instance.defaultDatabaseName=${SLUICE_TEST_NOPE}\n"   // 5
             "canal.instance.tsdb.dir=${also.unresolved}\n");             // 6
  const CanalConfig c = conf.load();
  INFO(describe(c));
  CHECK(kafka_value(c, "bootstrap.servers") == "broker7:9092");
  CHECK(c.server.timezone == "+08:00");
  REQUIRE(c.instances.size() == 1);
  const InstanceConfig& i = c.instances[0];
  CHECK(i.master_host == "10.1.1.1");
  CHECK(i.master_port == 3307);
  CHECK(i.user == "test");
  CHECK(i.topic == "shop_commission");
  CHECK(i.default_database.empty());
  const Problem& p =
      problem_at(c, conf.path("test/instance.properties") +
                        ":5: canal.instance.defaultDatabaseName");
  CHECK(is_error(p));
  CHECK(p.message.find("${SLUICE_TEST_NOPE} is neither a property nor an "
                       "environment variable") == 0);
  // Unused keys are not expanded, so their placeholders cannot fail; keys
  // nobody knows are warned about.
  CHECK(c.problems.size() == 3);
  CHECK(problem_at(c, conf.path("canal.properties") + ":3: topic.prefix")
            .message.find("unknown key") == 0);
  CHECK(problem_at(c, conf.path("test/instance.properties") + ":1: db.host")
            .message.find("unknown key") == 0);
}

}  // namespace
}  // namespace sluice::config
