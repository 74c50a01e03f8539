// What load_canal_config says about keys: notes for canal keys sluice does
// without (each once), problems for values it cannot honour, unknown,
// misplaced and repeated keys, the order of problems, and the edit distance
// behind "did you mean".
#include "config/canal_keys.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "canal_conf_fixture.h"
#include "config/canal_config.h"

namespace sluice::config {
namespace {

using testing::describe;
using testing::is_error;
using testing::kInstance;
using testing::notes_containing;
using testing::problem_at;
using testing::TempConf;
using testing::write_conf;

TEST_CASE("keys sluice does not use are noted once", "[canal_config]") {
  TempConf conf;
  conf.write("canal.properties",
             "canal.destinations = test,shop\n"                      // 1
             "canal.id = 1\n"                                        // 2
             "canal.zkServers = zk1:2181,zk2:2181\n"                 // 3
             "canal.instance.tsdb.enable = true\n"                   // 4
             "canal.instance.memory.buffer.size = 16384\n"           // 5
             "canal.mq.canalBatchSize = 50\n"                        // 6
             "rocketmq.producer.group = test\n"                      // 7
             "canal.instance.global.manager.address = ${nothing}\n"  // 8
             "canal.instance.mysql.slaveId = 7\n");                  // 9
  conf.write("test/instance.properties",
             std::string(kInstance) + "canal.instance.rds.accesskey=\n");
  conf.write("shop/instance.properties", kInstance);
  const CanalConfig c = conf.load();
  INFO(describe(c));
  CHECK(c.problems.empty());
  const std::string file = conf.path("canal.properties");
  CHECK(c.notes ==
        std::vector<std::string>{
            file + ": not used by sluice (ZooKeeper is replaced by a MySQL "
                   "advisory lock): canal.id (line 2)",
            file + ": not used by sluice (HA uses the MySQL advisory lock "
                   "GET_LOCK('sluice.<destination>') instead of ZooKeeper): "
                   "canal.zkServers (line 3)",
            file + ": not used by sluice (table schemas come from binlog "
                   "metadata or information_schema, not a TSDB): "
                   "canal.instance.tsdb.enable (line 4)",
            file + ": not used by sluice (there is no event store: rows "
                   "stream to Kafka through the bounded producer queue): "
                   "canal.instance.memory.buffer.size (line 5)",
            file + ": not used by sluice (sluice publishes rows as they "
                   "arrive; sluice.batch.rows and sluice.batch.bytes bound a "
                   "Kafka transaction): canal.mq.canalBatchSize (line 6)",
            file + ": not used by sluice (a RocketMQ, RabbitMQ or PulsarMQ "
                   "setting; sluice publishes to Kafka only): "
                   "rocketmq.producer.group (line 7)",
            file + ": not used by sluice (canal's Spring wiring has no "
                   "counterpart in sluice): "
                   "canal.instance.global.manager.address (line 8)",
            conf.path("test/instance.properties") +
                ": not used by sluice (Aliyun RDS binlog download and Aliyun "
                "MQ are not supported): canal.instance.rds.accesskey (line "
                "5)"});
  // An instance key in canal.properties is the default for every instance.
  CHECK(c.instances.at(0).slave_id == 7);
  CHECK(c.instances.at(1).slave_id == 7);
}

TEST_CASE("unused keys are grouped per file and reason", "[canal_config]") {
  TempConf conf;
  write_conf(conf,
             "canal.port = 11111\n"                   // 2
             "canal.id = 1\n"                         // 3
             "canal.ip =\n"                           // 4
             "canal.zookeeper.flush.period = 1000\n"  // 5
             "canal.user = canal\n"                   // 6
             "canal.instance.tsdb.enable = true\n",   // 7
             std::string(kInstance) +
                 "canal.instance.tsdb.dir = /tmp\n"         // 5
                 "canal.instance.parser.parallel = true\n"  // 6
                 "canal.instance.tsdb.url = jdbc:h2\n");    // 7
  const CanalConfig c = conf.load();
  INFO(describe(c));
  CHECK(c.problems.empty());
  const std::string file = conf.path("canal.properties");
  const std::string instance = conf.path("test/instance.properties");
  const std::string tsdb =
      ": not used by sluice (table schemas come from binlog metadata or "
      "information_schema, not a TSDB): ";
  CHECK(c.notes ==
        std::vector<std::string>{
            file + ": not used by sluice (sluice has no canal client port or "
                   "admin console; it serves /metrics only): canal.port (line "
                   "2), canal.ip (line 4), canal.user (line 6)",
            file + ": not used by sluice (ZooKeeper is replaced by a MySQL "
                   "advisory lock): canal.id (line 3), "
                   "canal.zookeeper.flush.period (line 5)",
            file + tsdb + "canal.instance.tsdb.enable (line 7)",
            instance + tsdb +
                "canal.instance.tsdb.dir (line 5), canal.instance.tsdb.url "
                "(line 7)",
            instance +
                ": not used by sluice (canal's parser threads, socket and "
                "Druid settings do not apply to sluice's decoder): "
                "canal.instance.parser.parallel (line 6)"});
}

TEST_CASE("the seed company's files give a few compact notes",
          "[canal_config]") {
  auto loaded =
      load_canal_config(std::string(SLUICE_TEST_DATA_DIR) + "/seed-conf");
  REQUIRE(loaded);
  INFO(describe(*loaded));
  // One line per file and reason instead of one per key, and every one of
  // the 67 unused keys named once, with its line.
  size_t keys = 0;
  for (const std::string& note : loaded->notes) {
    for (size_t at = note.find(" (line "); at != std::string::npos;
         at = note.find(" (line ", at + 1)) {
      ++keys;
    }
  }
  CHECK(keys == 67);
  CHECK(loaded->notes.size() == 22);
  CHECK(notes_containing(*loaded, "canal.zookeeper.flush.period (line 21)") ==
        1);
  CHECK(notes_containing(*loaded,
                         "/test/instance.properties: not used by sluice "
                         "(table schemas come from binlog metadata or "
                         "information_schema, not a TSDB): "
                         "canal.instance.tsdb.enable (line 21)") == 1);
}

TEST_CASE("canal keys whose true value sluice cannot honour",
          "[canal_config]") {
  TempConf conf;
  write_conf(conf,
             "canal.instance.filter.dml.insert = true\n"  // 2
             "canal.instance.filter.query.ddl = TRUE\n"   // 3
             "canal.instance.filter.query.dml = true\n",  // 4
             std::string(kInstance) + "canal.instance.enableDruid=true\n");
  const CanalConfig c = conf.load();
  const Problem& druid = problem_at(c, conf.path("test/instance.properties") +
                                           ":5: canal.instance.enableDruid");
  CHECK(is_error(druid));
  CHECK(druid.message.find("SLUICE_PASSWORD") != std::string::npos);
  const Problem& dml =
      problem_at(c, conf.path("canal.properties") +
                        ":2: canal.instance.filter.dml.insert");
  CHECK_FALSE(is_error(dml));
  const Problem& ddl = problem_at(
      c, conf.path("canal.properties") + ":3: canal.instance.filter.query.ddl");
  CHECK_FALSE(is_error(ddl));
  CHECK(ddl.message.find("sluice publishes the DDL") != std::string::npos);
  CHECK(c.problems.size() == 3);
  // Without an effect on what is published, true is just unused.
  CHECK(notes_containing(c,
                         ": not used by sluice (sluice publishes every row "
                         "change and DDL of the tables "
                         "canal.instance.filter.regex accepts): "
                         "canal.instance.filter.query.dml (line 4)") == 1);
  CHECK(c.notes.size() == 1);
}

TEST_CASE("unknown keys, misplaced keys, repeated keys", "[canal_config]") {
  TempConf conf;
  write_conf(conf,
             "canal.mq.flatMesage = true\n"     // 2
             "canal.frobnicate = 1\n"           // 3
             "sluice.batch.row = 10\n"          // 4
             "canal.mq.flatMessage = true\n"    // 5
             "canal.mq.flatMessage = false\n",  // 6
             std::string(kInstance) +
                 "canal.mq.partitonHash = test.t:id\n"  // 5
                 "kafka.acks = all\n");                 // 6
  const CanalConfig c = conf.load();
  INFO(describe(c));
  const std::string server = conf.path("canal.properties");
  const std::string instance = conf.path("test/instance.properties");
  CHECK(problem_at(c, server + ":2: canal.mq.flatMesage").message ==
        "unknown key: did you mean canal.mq.flatMessage?");
  CHECK(problem_at(c, server + ":3: canal.frobnicate").message ==
        "unknown key: neither canal nor sluice reads it; check the spelling");
  CHECK(problem_at(c, server + ":4: sluice.batch.row").message ==
        "unknown key: did you mean sluice.batch.rows?");
  CHECK(problem_at(c, server + ":6: canal.mq.flatMessage").message ==
        "also set on line 5; the last value (this line) is the one used");
  CHECK(c.server.format == MessageFormat::kCanalProtobuf);
  CHECK(problem_at(c, instance + ":5: canal.mq.partitonHash").message ==
        "unknown key: did you mean canal.mq.partitionHash?");
  CHECK(problem_at(c, instance + ":6: kafka.acks")
            .message.find("from canal.properties only") != std::string::npos);
  CHECK(c.problems.size() == 6);
  CHECK_FALSE(c.has_errors());
}

TEST_CASE("errors come before warnings, each in file order", "[canal_config]") {
  TempConf conf;
  write_conf(conf,
             "canal.mq.typo = 1\n"            // 2: warning
             "canal.metrics.pull.port = 0\n"  // 3: error
             "canal.mq.acks = 0\n"            // 4: warning
             "canal.serverMode = tcp\n",      // 5: error
             std::string(kInstance) + "canal.mq.partitionsNum=x\n");  // 5
  const CanalConfig c = conf.load();
  INFO(describe(c));
  std::vector<std::string> order;
  for (const Problem& p : c.problems) {
    order.push_back((is_error(p) ? "E " : "W ") +
                    std::filesystem::path(p.origin.file).filename().string() +
                    ":" + std::to_string(p.origin.line));
  }
  CHECK(order == std::vector<std::string>{
                     "E canal.properties:3", "E canal.properties:5",
                     "E instance.properties:5", "W canal.properties:2",
                     "W canal.properties:4"});
  CHECK(c.has_errors());
}

TEST_CASE("edit distance and the closest key", "[canal_config]") {
  CHECK(edit_distance("kitten", "sitting", 5) == 3);
  CHECK(edit_distance("abc", "abc", 0) == 0);
  CHECK(edit_distance("abc", "abcdef", 2) == 3);  // over the limit
  CHECK(closest_key("canal.mq.partitonHash") == "canal.mq.partitionHash");
  CHECK(closest_key("canal.zkServer") == "canal.zkServers");
  CHECK(closest_key("kafka.bootstrap.servers").empty());  // a prefix key
  CHECK(closest_key("something.else").empty());
}

}  // namespace
}  // namespace sluice::config
