// `sluice check` run as a child process: offline on the seed company's
// canal files and on the shipped conf/, and online against a real MariaDB
// server and librdkafka's mock cluster (in this process), with a copy of
// conf/ pointed at them. Everything talks to 127.0.0.1 only.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "integration/child_process.h"
#include "integration/mariadb_server.h"
#include "kafka/checkpoint.h"
#include "kafka/mock_cluster.h"
#include "kafka/producer.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;

const std::string kSource = SLUICE_SOURCE_DIR;

// A fresh directory under /tmp, removed when destroyed (unless
// SLUICE_KEEP_MARIADB_DIR is set, as for the server's).
class TempDir {
 public:
  TempDir() {
    char dir_template[] = "/tmp/sluice-check-XXXXXX";
    if (::mkdtemp(dir_template) == nullptr)
      throw std::runtime_error("mkdtemp failed");
    path_ = dir_template;
  }
  ~TempDir() {
    if (std::getenv("SLUICE_KEEP_MARIADB_DIR") != nullptr) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct CheckRun {
  int code = -1;  // exit code, -1 when it did not exit normally
  std::string out;
  std::string err;
};

CheckRun sluice_check(const std::vector<std::string>& args,
                      const std::string& binary = SLUICE_BINARY) {
  TempDir dir;
  std::vector<std::string> argv = {binary, "check"};
  argv.insert(argv.end(), args.begin(), args.end());
  ChildProcess child(argv, {.stdout_path = dir.path() + "/out",
                            .stderr_path = dir.path() + "/err",
                            .env = {"SLUICE_PASSWORD="},
                            .die_with_parent = true});
  const auto status = child.wait(std::chrono::seconds(120));
  REQUIRE(status);
  CheckRun run;
  run.code = WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
  run.out = read_file(dir.path() + "/out");
  run.err = read_file(dir.path() + "/err");
  return run;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Sets `key = value` in a .properties file, in place of the key's line
// (appended when the file has none).
void set_key(const std::string& path, const std::string& key,
             const std::string& value) {
  std::ifstream in(path);
  std::stringstream kept;
  bool replaced = false;
  for (std::string line; std::getline(in, line);) {
    const size_t separator = line.find_first_of("=:");
    std::string name = line.substr(0, separator);
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    if (separator != std::string::npos && name == key) {
      kept << key << " = " << value << "\n";
      replaced = true;
    } else {
      kept << line << "\n";
    }
  }
  in.close();
  if (!replaced) kept << key << " = " << value << "\n";
  std::ofstream(path, std::ios::trunc) << kept.str();
}

// A copy of the shipped conf/ (or of `from`) reading `server` and
// publishing to `bootstrap`.
class ConfCopy {
 public:
  ConfCopy(const MariaDbServer& server, const std::string& bootstrap,
           const std::string& from = kSource + "/conf") {
    fs::copy(from, dir_.path(), fs::copy_options::recursive);
    set("canal.properties", "kafka.bootstrap.servers", bootstrap);
    set("test/instance.properties", "canal.instance.master.address",
        "127.0.0.1:" + std::to_string(server.port()));
  }

  void set(const std::string& file, const std::string& key,
           const std::string& value) const {
    set_key(dir_.path() + "/" + file, key, value);
  }
  [[nodiscard]] const std::string& path() const { return dir_.path(); }

 private:
  TempDir dir_;
};

// A server with conf/'s account canal/canal and an empty test.commission.
std::unique_ptr<MariaDbServer> start_server(
    std::vector<std::string> options = {}) {
  auto server = std::make_unique<MariaDbServer>(std::move(options));
  server->execute(
      "CREATE USER canal@'127.0.0.1' IDENTIFIED BY 'canal'; "
      "GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO "
      "canal@'127.0.0.1'; CREATE DATABASE test; "
      "CREATE TABLE test.commission (id BIGINT PRIMARY KEY, user_id INT NOT "
      "NULL, amount DECIMAL(18,2) NOT NULL)");
  return server;
}

std::unique_ptr<kafka::MockCluster> start_cluster() {
  auto cluster = kafka::MockCluster::start(1);
  if (!cluster) FAIL("mock Kafka cluster: " << cluster.error().message);
  return std::move(*cluster);
}

void create_topic(kafka::MockCluster& cluster, const std::string& name,
                  int32_t partitions) {
  if (auto s = cluster.create_topic(name, partitions); !s)
    FAIL("creating topic " << name << ": " << s.error().message);
}

// Publishes a checkpoint of destination `test` as `sluice run` does.
void write_checkpoint(kafka::MockCluster& cluster, const std::string& file,
                      uint64_t pos) {
  kafka::ProducerOptions o;
  o.properties = {{"bootstrap.servers", cluster.bootstrap()}};
  auto producer =
      kafka::Producer::create(std::move(o), std::chrono::seconds(10));
  if (!producer) FAIL("producer: " << producer.error().message);
  kafka::Checkpoint at;
  at.file = file;
  at.pos = pos;
  const std::string value = kafka::encode_checkpoint(at);
  kafka::OutgoingMessage m;
  m.topic = "__sluice_positions";
  m.partition = RD_KAFKA_PARTITION_UA;
  m.key = "test";
  m.has_key = true;
  m.value = value;
  if (auto s = (*producer)->produce(m, "checkpoint"); !s)
    FAIL("produce: " << s.error().message);
  if (auto s = (*producer)->wait_delivered(std::chrono::seconds(10)); !s)
    FAIL("delivery: " << s.error().message);
}

// A loopback port nothing listens on.
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), len) == 0);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
  ::close(fd);
  return ntohs(a.sin_port);
}

TEST_CASE("check --offline reports the seed company's two mistakes",
          "[check]") {
  const CheckRun run =
      sluice_check({"--conf", kSource + "/tests/data/seed-conf", "--offline"});
  INFO(run.out << run.err);
  CHECK(run.code == 1);
  CHECK(contains(run.out, "error: " + kSource +
                              "/tests/data/seed-conf/canal.properties:115: "
                              "canal.mq.servers: port 2181 is ZooKeeper's"));
  CHECK(contains(run.out,
                 "error: " + kSource +
                     "/tests/data/seed-conf/test/instance.properties:56: "
                     "canal.mq.partitionHash: rule `commission:id` can never "
                     "match"));
  CHECK(contains(run.out, "write `test.commission:id`"));
  // Unused keys: a few grouped notes, after the errors.
  CHECK(contains(run.out, "note: " + kSource +
                              "/tests/data/seed-conf/canal.properties: not "
                              "used by sluice (ZooKeeper is replaced by a "
                              "MySQL advisory lock): canal.id (line 4), "
                              "canal.zookeeper.flush.period (line 21)"));
  CHECK(run.out.find("note:") > run.out.rfind("error:"));
  CHECK(contains(run.out, "sluice check: 2 errors, 0 warnings;"));
}

TEST_CASE("check --offline accepts the shipped conf/", "[check]") {
  const CheckRun run = sluice_check({"--conf", kSource + "/conf", "--offline"});
  INFO(run.out << run.err);
  CHECK(run.code == 0);
  CHECK(contains(run.out, "sluice check: OK, 0 errors, 0 warnings;"));
}

TEST_CASE("check --help explains every flag", "[check]") {
  const CheckRun run = sluice_check({"--help"});
  CHECK(run.code == 0);
  for (const char* flag : {"--conf DIR", "--destination NAME", "--offline",
                           "--help", "Exit status"}) {
    CHECK(contains(run.out, flag));
  }
  const CheckRun bad = sluice_check({"--frobnicate"});
  CHECK(bad.code == 1);
  CHECK(contains(bad.err, "unknown argument '--frobnicate'"));
}

TEST_CASE("check online against MariaDB and the mock Kafka cluster",
          "[check]") {
  auto server = start_server();
  auto cluster = start_cluster();
  create_topic(*cluster, "commission", 3);
  create_topic(*cluster, "__sluice_positions", 1);  // no checkpoint yet

  {
    INFO("conf/ pointed at the servers");
    ConfCopy conf(*server, cluster->bootstrap());
    const CheckRun run = sluice_check({"--conf", conf.path()});
    INFO(run.out << run.err);
    CHECK(run.code == 0);
    CHECK(contains(run.out, "sluice check: OK, 0 errors"));
    CHECK(contains(run.out, "the files, MySQL and Kafka"));
    CHECK(contains(run.out, "Kafka transactions are on"));
    CHECK(contains(run.out, "the leader lock sluice.test is free"));
  }
  {
    INFO("the seed's partitionHash and a topic of 2 partitions");
    create_topic(*cluster, "commission2", 2);
    ConfCopy conf(*server, cluster->bootstrap());
    conf.set("test/instance.properties", "canal.mq.partitionHash",
             "commission:id");
    conf.set("test/instance.properties", "canal.mq.topic", "commission2");
    const CheckRun run = sluice_check({"--conf", conf.path()});
    INFO(run.out << run.err);
    CHECK(run.code == 1);
    CHECK(contains(run.out, "rule `commission:id` can never match"));
    CHECK(contains(run.out, "write `test.commission:id`"));
    CHECK(contains(run.out,
                   "topic commission2 has 2 partitions, fewer than the 3 of "
                   "canal.mq.partitionsNum"));
    CHECK(contains(run.out,
                   "warning: " + conf.path() +
                       "/test/instance.properties:41: canal.mq.partitionHash: "
                       "no rule matches test.commission"));
    CHECK(contains(run.out, "sluice check: 2 errors, 1 warning;"));
  }
  {
    INFO("a rule naming no table on the server, and a missing topic");
    ConfCopy conf(*server, cluster->bootstrap());
    conf.set("test/instance.properties", "canal.instance.filter.regex",
             "test\\\\..*");
    conf.set("test/instance.properties", "canal.mq.partitionHash",
             "shop.commission:id");
    conf.set("test/instance.properties", "canal.mq.topic", "nowhere");
    const CheckRun run = sluice_check({"--conf", conf.path()});
    INFO(run.out << run.err);
    CHECK(run.code == 1);
    CHECK(contains(run.out,
                   "rule 1 `shop.commission:id` matches none of the 1 table "
                   "canal.instance.filter.regex accepts on 127.0.0.1:" +
                       std::to_string(server->port()) +
                       " (test.commission); did you mean "
                       "`test.commission:id`?"));
    CHECK(contains(run.out,
                   "topic nowhere does not exist (or this client may not "
                   "describe it): create it with 3 partitions"));
  }
  {
    INFO("the server's own id as slaveId, a purged start position");
    ConfCopy conf(*server, cluster->bootstrap());
    conf.set("test/instance.properties", "canal.instance.mysql.slaveId", "1");
    conf.set("test/instance.properties", "canal.instance.master.journal.name",
             "mariadb-bin.000099");
    conf.set("test/instance.properties", "canal.instance.master.position", "4");
    const CheckRun run = sluice_check({"--conf", conf.path()});
    INFO(run.out << run.err);
    CHECK(run.code == 1);
    CHECK(contains(run.out,
                   "canal.instance.mysql.slaveId: 1 is the server_id of "
                   "127.0.0.1:" +
                       std::to_string(server->port()) + " itself"));
    CHECK(contains(run.out,
                   "canal.instance.master.journal.name: binlog file "
                   "mariadb-bin.000099"));
  }
  {
    INFO("dynamic topics, a fixed slaveId");
    ConfCopy conf(*server, cluster->bootstrap());
    conf.set("test/instance.properties", "canal.mq.dynamicTopic",
             "test\\\\..*");
    conf.set("test/instance.properties", "canal.instance.mysql.slaveId",
             "12345");
    const CheckRun run = sluice_check({"--conf", conf.path()});
    INFO(run.out << run.err);
    CHECK(run.code == 0);
    CHECK(contains(run.out,
                   "warning: " + conf.path() +
                       "/test/instance.properties:42: canal.mq.dynamicTopic: "
                       "topic test_commission does not exist"));
    CHECK(contains(run.out, "sluice check: OK, 0 errors, 1 warning;"));
  }
  {
    INFO("the slaveId of a connected replica");
    TempDir tail_dir;
    ChildProcess tail({SLUICE_BINARY, "tail", "--master",
                       "127.0.0.1:" + std::to_string(server->port()), "--user",
                       "canal", "--server-id", "4242"},
                      {.stdout_path = tail_dir.path() + "/out",
                       .stderr_path = tail_dir.path() + "/err",
                       .env = {"SLUICE_PASSWORD=canal"},
                       .die_with_parent = true});
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(30);
    bool registered = false;
    while (!registered && std::chrono::steady_clock::now() < deadline) {
      for (const auto& row : server->query("SHOW SLAVE HOSTS"))
        registered = registered || (!row.empty() && row[0] == "4242");
      if (!registered)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    INFO(read_file(tail_dir.path() + "/err"));
    REQUIRE(registered);
    ConfCopy conf(*server, cluster->bootstrap());
    conf.set("test/instance.properties", "canal.instance.mysql.slaveId",
             "4242");
    // MariaDB 10.5+ shows replicas to REPLICATION MASTER ADMIN only.
    const CheckRun unseen = sluice_check({"--conf", conf.path()});
    INFO(unseen.out << unseen.err);
    CHECK(unseen.code == 0);
    CHECK(contains(unseen.out,
                   "canal.instance.mysql.slaveId: cannot list the replicas"));
    server->execute(
        "GRANT REPLICATION MASTER ADMIN ON *.* TO canal@'127.0.0.1'");
    const CheckRun run = sluice_check({"--conf", conf.path()});
    INFO(run.out << run.err);
    CHECK(run.code == 1);
    CHECK(contains(run.out,
                   "canal.instance.mysql.slaveId: replica server id 4242 is "
                   "already used by a replica of 127.0.0.1:" +
                       std::to_string(server->port())));
  }
  {
    INFO("Kafka on a closed port");
    const std::string bootstrap = "127.0.0.1:" + std::to_string(closed_port());
    ConfCopy conf(*server, bootstrap);
    const CheckRun run = sluice_check({"--conf", conf.path()});
    INFO(run.out << run.err);
    CHECK(run.code == 1);
    CHECK(contains(run.out,
                   "canal.properties:25: kafka.bootstrap.servers: cannot "
                   "reach Kafka: tried the bootstrap servers " +
                       bootstrap));
    CHECK(contains(run.out, "sluice check: 1 error, 0 warnings;"));
  }
  {
    INFO("a checkpoint at a position the server no longer has");
    write_checkpoint(*cluster, "mariadb-bin.000050", 4);
    ConfCopy conf(*server, cluster->bootstrap());
    const CheckRun run = sluice_check({"--conf", conf.path()});
    INFO(run.out << run.err);
    CHECK(run.code == 1);
    CHECK(contains(run.out,
                   "error: checkpoint of destination test in topic "
                   "__sluice_positions (sluice.meta.topic): sluice run would "
                   "resume from mariadb-bin.000050:4: binlog file "
                   "mariadb-bin.000050 is not on"));
    CHECK(contains(run.out, "sluice check: 1 error, 0 warnings;"));
  }
}

TEST_CASE("check online reports binlog_format=STATEMENT", "[check]") {
  auto server = start_server({"--binlog-format=STATEMENT"});
  auto cluster = start_cluster();
  create_topic(*cluster, "commission", 3);
  ConfCopy conf(*server, cluster->bootstrap());
  const CheckRun run = sluice_check({"--conf", conf.path()});
  INFO(run.out << run.err);
  CHECK(run.code == 1);
  CHECK(contains(run.out,
                 "error: MySQL 127.0.0.1:" + std::to_string(server->port()) +
                     " (destination test): binlog_format is "
                     "STATEMENT"));
  CHECK(contains(run.out, "sluice check: 1 error, 0 warnings;"));
}

}  // namespace
}  // namespace sluice::testing

namespace sluice::testing {
namespace {

// Runs `args`; its exit code (-1 when it did not exit), output in `out`.
int run_tool(const std::vector<std::string>& args, std::string& out) {
  TempDir dir;
  ChildProcess child(args, {.stdout_path = dir.path() + "/out",
                            .stderr_path = "",
                            .env = {},
                            .die_with_parent = true});
  const auto status = child.wait(std::chrono::seconds(300));
  out = read_file(dir.path() + "/out");
  return status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
}

TEST_CASE("the .deb builds, and its binary and /etc/sluice pass check online",
          "[check][package]") {
  const auto cpack = find_program("cpack");
  const auto dpkg_deb = find_program("dpkg-deb");
  REQUIRE(cpack);     // Debian: cmake
  REQUIRE(dpkg_deb);  // Debian: dpkg
  TempDir work;
  std::string out;
  const int built =
      run_tool({*cpack, "-G", "DEB", "-B", work.path(), "--config",
                std::string(SLUICE_BUILD_DIR) + "/CPackConfig.cmake"},
               out);
  INFO(out);
  REQUIRE(built == 0);
  std::string deb;
  for (const auto& e : fs::directory_iterator(work.path())) {
    if (e.path().extension() == ".deb") deb = e.path().string();
  }
  REQUIRE(!deb.empty());

  REQUIRE(run_tool({*dpkg_deb, "--info", deb}, out) == 0);
  CHECK(contains(out, "Package: sluice"));
  CHECK(contains(out, "Depends: adduser, "));
  CHECK(contains(out, "librdkafka1"));
  CHECK(contains(out, "conffiles"));
  CHECK(contains(out, "postinst"));

  const std::string root = work.path() + "/root";
  REQUIRE(run_tool({*dpkg_deb, "-x", deb, root}, out) == 0);
  const std::string binary = root + "/usr/bin/sluice";
  CHECK(fs::exists(binary));
  CHECK(fs::exists(root + "/usr/share/sluice/grafana-dashboard.json"));
  CHECK(contains(read_file(root + "/lib/systemd/system/sluice.service"),
                 "ExecStart=/usr/bin/sluice run --conf /etc/sluice\n"));

  auto server = start_server();
  auto cluster = start_cluster();
  create_topic(*cluster, "commission", 3);
  create_topic(*cluster, "__sluice_positions", 1);
  ConfCopy conf(*server, cluster->bootstrap(), root + "/etc/sluice");
  const CheckRun run = sluice_check({"--conf", conf.path()}, binary);
  INFO(run.out << run.err);
  CHECK(run.code == 0);
  CHECK(contains(run.out, "sluice check: OK, 0 errors"));
}

}  // namespace
}  // namespace sluice::testing
