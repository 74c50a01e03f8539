// load_canal_config, instance.properties side: the MySQL source, start
// position, account, filters, Kafka routing and its lint (a partitionHash
// rule that can never match), the seed company's canal 1.1.4 files
// (tests/data/seed-conf) and the shipped conf/.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "canal_conf_fixture.h"
#include "config/canal_config.h"

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

TEST_CASE("master address forms", "[canal_config]") {
  TempConf conf;
  auto load_with = [&](const std::string& address) {
    write_conf(conf, "",
               "canal.instance.master.address=" + address +
                   "\ncanal.instance.dbUsername=canal\ncanal.mq.topic=t\n");
    return conf.load();
  };
  CanalConfig c = load_with("[::1]:3310");
  CHECK(c.instances[0].master_host == "::1");
  CHECK(c.instances[0].master_port == 3310);
  c = load_with("db.example.com");
  CHECK(c.instances[0].master_host == "db.example.com");
  CHECK(c.instances[0].master_port == 3306);
  c = load_with("[fe80::1]");
  CHECK(c.instances[0].master_host == "fe80::1");
  CHECK(c.instances[0].master_port == 3306);
  CHECK(c.problems.empty());
  const std::string where = conf.path("test/instance.properties") +
                            ":1: canal.instance.master.address";
  for (const char* bad : {"db:0", "db:65536", "db:x", "[::1", ":3306"}) {
    c = load_with(bad);
    CHECK(is_error(problem_at(c, where)));
  }
  write_conf(conf, "", "canal.instance.dbUsername=canal\ncanal.mq.topic=t\n");
  c = conf.load();
  CHECK(is_error(problem_at(c, conf.path("test/instance.properties") +
                                   ": canal.instance.master.address")));
}

TEST_CASE("instance settings", "[canal_config]") {
  TempConf conf;
  write_conf(
      conf, "",
      "canal.instance.master.address = db:3306\n"                       // 1
      "canal.instance.master.journal.name = mysql-bin.000042\n"         // 2
      "canal.instance.master.position = 1234\n"                         // 3
      "canal.instance.master.timestamp = 1700000000000\n"               // 4
      "canal.instance.master.gtid = 0-1-100\n"                          // 5
      "canal.instance.gtidon = true\n"                                  // 6
      "canal.instance.mysql.slaveId = 1234\n"                           // 7
      "canal.instance.dbUsername = repl\n"                              // 8
      "canal.instance.dbPassword =  p w \n"                             // 9
      "canal.instance.connectionCharset = GBK\n"                        // 10
      "canal.instance.defaultDatabaseName = test\n"                     // 11
      "canal.instance.filter.regex = test\\\\..*\n"                     // 12
      "canal.instance.filter.black.regex = test\\\\.tmp_.*\n"           // 13
      "canal.instance.filter.field = test.commission:id/amount\n"       // 14
      "canal.instance.filter.black.field = test.t:blob\n"               // 15
      "canal.mq.dynamicTopic = shop:test\\\\..*\n"                      // 16
      "canal.mq.dynamicTopicPartitionNum = shop:6\n"                    // 17
      "canal.mq.partition = 2\n"                                        // 18
      "canal.mq.partitionsNum = 6\n"                                    // 19
      "canal.mq.partitionHash = test.commission:id,.*\\\\..*:$pk$\n");  // 20
  const CanalConfig c = conf.load();
  INFO(describe(c));
  CHECK(c.problems.empty());
  const InstanceConfig& i = c.instances.at(0);
  const std::string file = conf.path("test/instance.properties");
  CHECK(i.journal_name == "mysql-bin.000042");
  CHECK(i.position == 1234u);
  CHECK(i.timestamp_ms == 1700000000000);
  CHECK(i.gtid == "0-1-100");
  CHECK(i.gtid_mode);
  CHECK(i.slave_id == 1234);
  CHECK(i.user == "repl");
  CHECK(i.password.reveal() == "p w ");  // Java keeps trailing blanks
  CHECK(i.connection_charset == "GBK");
  CHECK(i.default_database == "test");
  CHECK(i.filter_regex == "test\\..*");
  CHECK(i.filter_origin.text() == file + ":12: canal.instance.filter.regex");
  CHECK(i.black_regex == "test\\.tmp_.*");
  CHECK(i.black_origin.line == 13);
  CHECK(i.field_filter == "test.commission:id/amount");
  CHECK(i.field_origin.line == 14);
  CHECK(i.black_field_filter == "test.t:blob");
  CHECK(i.black_field_origin.line == 15);
  CHECK(i.topic.empty());
  CHECK(i.dynamic_topic == "shop:test\\..*");
  CHECK(i.dynamic_topic_origin.line == 16);
  CHECK(i.dynamic_topic_partition_num == "shop:6");
  CHECK(i.dynamic_topic_partition_num_origin.line == 17);
  CHECK(i.partition == 2);
  CHECK(i.partitions_num == 6);
  CHECK(i.partitions_num_origin.line == 19);
  CHECK(i.partition_hash == "test.commission:id,.*\\..*:$pk$");
  CHECK(i.partition_hash_origin.line == 20);
}

TEST_CASE("password from SLUICE_PASSWORD when dbPassword is empty",
          "[canal_config]") {
  TempConf conf;
  const ScopedEnv env("SLUICE_PASSWORD", "from-env");
  write_conf(conf, "",
             "canal.instance.master.address=db\n"
             "canal.instance.dbUsername=canal\n"
             "canal.instance.dbPassword=\n"
             "canal.mq.topic=t\n");
  CHECK(conf.load().instances.at(0).password.reveal() == "from-env");
  write_conf(conf, "", kInstance);
  CHECK(conf.load().instances.at(0).password.reveal() == "canal");
}

TEST_CASE("routing problems", "[canal_config]") {
  TempConf conf;
  const std::string head =
      "canal.instance.master.address=db\n"  // 1
      "canal.instance.dbUsername=canal\n";  // 2
  const std::string file = conf.path("test/instance.properties");
  SECTION("no topic") {
    write_conf(conf, "", head);
    const CanalConfig c = conf.load();
    const Problem& p = problem_at(c, file + ": canal.mq.topic");
    CHECK(is_error(p));
    CHECK(p.message ==
          "no topic: set canal.mq.topic (or canal.mq.dynamicTopic)");
  }
  SECTION("bad topic name") {
    write_conf(conf, "", head + "canal.mq.topic=a topic\n");
    CHECK(is_error(problem_at(conf.load(), file + ":3: canal.mq.topic")));
  }
  SECTION("partitionHash without partitionsNum") {
    write_conf(conf, "",
               head + "canal.mq.topic=t\ncanal.mq.partitionHash=test.t:id\n");
    const CanalConfig c = conf.load();
    const Problem& p = problem_at(c, file + ":4: canal.mq.partitionHash");
    CHECK_FALSE(is_error(p));
    CHECK(p.message.find("every row goes to partition 0") != std::string::npos);
  }
  SECTION("partition outside partitionsNum") {
    write_conf(conf, "",
               head +
                   "canal.mq.topic=t\ncanal.mq.partition=3\n"
                   "canal.mq.partitionsNum=3\n");
    const CanalConfig c = conf.load();
    const Problem& p = problem_at(c, file + ":4: canal.mq.partition");
    CHECK(is_error(p));
    CHECK(p.message ==
          "partition 3 does not exist when canal.mq.partitionsNum is 3 "
          "(partitions are numbered from 0)");
  }
  SECTION("partitionsNum 0") {
    write_conf(conf, "", head + "canal.mq.topic=t\ncanal.mq.partitionsNum=0\n");
    CHECK(
        problem_at(conf.load(), file + ":4: canal.mq.partitionsNum").message ==
        "expected a whole number from 1 to 2147483647, "
        "got `0`");
  }
  SECTION("dynamicTopicPartitionNum") {
    write_conf(conf, "",
               head +
                   "canal.mq.dynamicTopic=test\\\\..*\n"
                   "canal.mq.dynamicTopicPartitionNum=a:4;b\n");
    CHECK(
        problem_at(conf.load(), file + ":4: canal.mq.dynamicTopicPartitionNum")
            .message.find("item `b`: expected topic:count") == 0);
  }
}

TEST_CASE("a partitionHash table without a schema never matches",
          "[canal_config]") {
  TempConf conf;
  const std::string file = conf.path("test/instance.properties");
  auto message = [&](const std::string& extra, const std::string& hash) {
    write_conf(conf, "",
               std::string(kInstance) + "canal.mq.partitionsNum=3\n" + extra +
                   "canal.mq.partitionHash=" + hash + "\n");
    const CanalConfig c = conf.load();
    const Problem& p =
        problem_at(c, file + ":" + std::to_string(6 + (extra.empty() ? 0 : 1)) +
                          ": canal.mq.partitionHash");
    CHECK(is_error(p));
    return p.message;
  };
  CHECK(message("canal.instance.filter.regex=test\\\\.commission\n",
                "commission:id") ==
        "rule `commission:id` can never match: canal compares `commission` "
        "with schema.table, so every row goes to partition 0; write "
        "`test.commission:id`");
  CHECK(message("canal.instance.defaultDatabaseName=shop\n", "orders:id^day")
            .ends_with("write `shop.orders:id^day`"));
  CHECK(message("", "orders").ends_with("write `<schema>.orders`"));
  CHECK(message("canal.instance.filter.regex=shop\\\\..*\n",
                "test.a:id;orders:$pk$")
            .ends_with("write `shop.orders:$pk$`"));
  // Regexes and schema-qualified names are fine.
  write_conf(conf, "",
             std::string(kInstance) +
                 "canal.mq.partitionsNum=3\n"
                 "canal.mq.partitionHash=.*\\\\.commission:id,test.x,c.*:id\n");
  CHECK(conf.load().problems.empty());
}

TEST_CASE("the seed company's canal 1.1.4 files", "[canal_config]") {
  const std::string dir = std::string(SLUICE_TEST_DATA_DIR) + "/seed-conf";
  auto loaded = load_canal_config(dir);
  REQUIRE(loaded);
  const CanalConfig& c = *loaded;
  INFO(describe(c));
  // Exactly the two mistakes.
  REQUIRE(c.problems.size() == 2);
  const Problem& zk = c.problems[0];
  CHECK(is_error(zk));
  CHECK(zk.origin.file == dir + "/canal.properties");
  CHECK(zk.origin.key == "canal.mq.servers");
  CHECK(zk.message.find("port 2181 is ZooKeeper's") == 0);
  const Problem& hash = c.problems[1];
  CHECK(is_error(hash));
  CHECK(hash.origin.file == dir + "/test/instance.properties");
  CHECK(hash.origin.key == "canal.mq.partitionHash");
  CHECK(hash.message.ends_with("write `test.commission:id`"));

  CHECK(kafka_value(c, "bootstrap.servers") == "127.0.0.1:2181");
  CHECK(kafka_value(c, "linger.ms") == "100");
  CHECK(kafka_value(c, "message.max.bytes") == "1048576");
  CHECK(c.server.queue_kbytes == 32768);
  CHECK(c.server.format == MessageFormat::kFlat);
  CHECK(notes_containing(c,
                         "/canal.properties: not used by sluice (HA uses "
                         "the MySQL advisory lock") == 1);
  CHECK(notes_containing(c, "canal.zkServers (line ") == 1);
  CHECK(notes_containing(c, "canal.mq.retries") == 1);
  CHECK(notes_containing(c, "canal.instance.global.spring.xml") == 1);
  REQUIRE(c.instances.size() == 1);
  const InstanceConfig& i = c.instances[0];
  CHECK(i.master_host == "127.0.0.1");
  CHECK(i.master_port == 3306);
  CHECK(i.filter_regex == "test\\.commission");
  CHECK(i.topic == "commission");
  CHECK(i.partitions_num == 3);
  CHECK(i.partition_hash == "commission:id");
}

TEST_CASE("the shipped conf/ loads without problems", "[canal_config]") {
  auto loaded = load_canal_config(std::string(SLUICE_SOURCE_DIR) + "/conf");
  REQUIRE(loaded);
  const CanalConfig& c = *loaded;
  INFO(describe(c));
  CHECK(c.problems.empty());
  CHECK(c.notes.empty());
  CHECK(kafka_value(c, "bootstrap.servers") == "127.0.0.1:9092");
  CHECK(c.server.kafka_property("bootstrap.servers")->origin.key ==
        "kafka.bootstrap.servers");
  CHECK(c.server.format == MessageFormat::kFlat);
  CHECK(c.server.transactional);
  REQUIRE(c.instances.size() == 1);
  const InstanceConfig& i = c.instances[0];
  CHECK(i.destination == "test");
  CHECK(i.master_host == "127.0.0.1");
  CHECK(i.master_port == 3306);
  CHECK(i.user == "canal");
  CHECK(i.password.reveal() == "canal");
  CHECK(i.filter_regex == "test\\.commission");
  CHECK(i.topic == "commission");
  CHECK(i.partitions_num == 3);
  CHECK(i.partition_hash == "test.commission:id");
}

}  // namespace
}  // namespace sluice::config
