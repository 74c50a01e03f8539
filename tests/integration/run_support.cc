#include "integration/run_support.h"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <tuple>

#include "kafka/checkpoint.h"
#include "support/flat_json.h"

namespace sluice::testing {
namespace {

struct Position {
  std::string file;
  uint64_t offset = 0;
  uint64_t index = 0;

  auto operator<=>(const Position&) const = default;
};

Position parse_position(std::string_view text) {
  const size_t b = text.rfind(':');
  const size_t a = b == std::string_view::npos ? b : text.rfind(':', b - 1);
  if (a == std::string_view::npos)
    throw std::runtime_error("bad sluice-pos header: " + std::string(text));
  return {std::string(text.substr(0, a)),
          std::stoull(std::string(text.substr(a + 1, b - a - 1))),
          std::stoull(std::string(text.substr(b + 1)))};
}

// Everything but the per-process "id" and "ts".
auto comparable(const FlatLine& l) {
  return std::tie(l.type, l.database, l.table, l.is_ddl, l.sql, l.gtid,
                  l.pk_names, l.data, l.old);
}

}  // namespace

ScratchDir::ScratchDir() {
  char dir_template[] = "/tmp/sluice-run-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr)
    throw std::runtime_error("mkdtemp failed");
  path_ = dir_template;
}

ScratchDir::~ScratchDir() {
  if (std::getenv("SLUICE_KEEP_MARIADB_DIR") == nullptr) {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
}

std::unique_ptr<kafka::MockCluster> start_commission_cluster() {
  auto c = kafka::MockCluster::start(1);
  if (!c) throw std::runtime_error(c.error().message);
  for (const auto& [name, partitions] :
       {std::pair<std::string, int>{"commission", 3},
        {"__sluice_positions", 1}}) {
    if (auto s = (*c)->create_topic(name, partitions); !s)
      throw std::runtime_error(s.error().message);
  }
  return std::move(*c);
}

void write_run_conf(const std::string& dir, const MariaDbServer& server,
                    const kafka::MockCluster& cluster, const std::string& file,
                    uint64_t pos, const ConfKeys& extra) {
  std::filesystem::create_directories(dir + "/test");
  {
    std::ofstream f(dir + "/canal.properties");
    f << "canal.destinations = test\n"
      << "canal.serverMode = kafka\n"
      << "kafka.bootstrap.servers = " << cluster.bootstrap()
      << "\n"
      // The mock keeps only the newest 5 MiB (as stored: compressed) of each
      // partition and serves one producer batch per partition per fetch:
      // large compressed batches keep the tests' reader ahead of its
      // retention.
      << "kafka.linger.ms = 20\n"
      << "kafka.compression.type = zstd\n"
      << "canal.mq.flatMessage = true\n"
      << "sluice.metrics.host = 127.0.0.1\n";
    for (const auto& [key, value] : extra) f << key << " = " << value << "\n";
  }
  std::ofstream f(dir + "/test/instance.properties");
  f << "canal.instance.master.address = 127.0.0.1:" << server.port() << "\n"
    << "canal.instance.master.journal.name = " << file << "\n"
    << "canal.instance.master.position = " << pos << "\n"
    << "canal.instance.dbUsername = " << kReplUser << "\n"
    << "canal.instance.dbPassword = " << kReplPassword << "\n"
    << "canal.instance.filter.regex = test\\\\.commission\n"
    << "canal.mq.topic = commission\n"
    << "canal.mq.partitionsNum = 3\n"
    << "canal.mq.partitionHash = test.commission:id\n";
}

RunProcess::RunProcess(const std::string& conf_dir)
    : SluiceProcess(
          {"run", "--conf", conf_dir, "--progress", "1", "--metrics-port", "0"},
          {}) {}

uint64_t RunProcess::peak_rss_kib() const {
  std::ifstream f("/proc/" + std::to_string(pid()) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

RunEnvironment::RunEnvironment(const std::map<std::string, std::string>& extra)
    : server_(start_commission_server()), cluster_(start_commission_cluster()) {
  server_->binlog_files();  // FLUSH: the run starts in a fresh file
  std::tie(file_, pos_) = binlog_end(*server_);
  conf_ = scratch_.path() + "/conf";
  write_run_conf(conf_, *server_, *cluster_, file_, pos_, extra);
  collector_ = std::make_unique<test::TopicCollector>(cluster_->bootstrap(),
                                                      "commission");
}

std::unique_ptr<RunProcess> RunEnvironment::start_run(
    const std::string& wait_for) {
  auto run = std::make_unique<RunProcess>(conf_);
  if (!run->wait_for_err(wait_for, std::chrono::seconds(30))) {
    throw std::runtime_error("sluice run never logged \"" + wait_for + "\":\n" +
                             run->err());
  }
  return run;
}

bool RunEnvironment::wait_caught_up(std::chrono::seconds timeout) {
  const auto end = binlog_end(*server_);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    for (const auto& r :
         test::read_topic(cluster_->bootstrap(), "__sluice_positions")) {
      // At the end, or past it when the server has written more since (a
      // consumer's own tables, outside the filter).
      const auto cp = kafka::parse_checkpoint(r.value);
      if (cp && std::make_pair(cp->file, cp->pos) >= end) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return false;
}

std::vector<test::KafkaRecord> RunEnvironment::published() {
  return collector_->finish();
}

std::string RunEnvironment::decoded() {
  return sluice_decode(binlog_paths_from(*server_, file_));
}

int32_t canal_partition_of_id(const std::string& id) {
  const auto hash = [](const std::string& s) {
    uint32_t h = 0;
    for (const char c : s) h = 31 * h + static_cast<uint32_t>(c);
    return static_cast<int32_t>(h);
  };
  const int64_t h = hash("test") ^ hash(id);
  return static_cast<int32_t>((h < 0 ? -h : h) % 3);
}

PublishedCheck check_published(const std::vector<test::KafkaRecord>& records,
                               const std::string& decoded) {
  PublishedCheck result;
  // Per partition, as a consumer that stores its last applied position.
  std::map<int32_t, Position> last;
  std::map<Position, const test::KafkaRecord*> accepted;
  for (const test::KafkaRecord& r : records) {
    const Position pos = parse_position(r.header("sluice-pos"));
    auto it = last.find(r.partition);
    if (it != last.end() && pos <= it->second) {
      // A repeat after a restart: the same change, published again.
      const auto first = accepted.find(pos);
      INFO("partition " << r.partition << " offset " << r.offset << " pos "
                        << r.header("sluice-pos"));
      REQUIRE(first != accepted.end());
      CHECK(first->second->partition == r.partition);
      CHECK(comparable(parse_flat_line(first->second->value)) ==
            comparable(parse_flat_line(r.value)));
      ++result.duplicates;
      continue;
    }
    last[r.partition] = pos;
    accepted.emplace(pos, &r);
    INFO("pos " << r.header("sluice-pos"));
    REQUIRE(r.key);
    CHECK(r.partition == canal_partition_of_id(*r.key));
  }
  result.accepted = accepted.size();

  std::vector<FlatLine> expected;
  for (FlatLine& l : parse_flat_lines(decoded)) {
    if (l.database == "test" && l.table == "commission")
      expected.push_back(std::move(l));
  }
  INFO(records.size() << " records, " << result.duplicates
                      << " repeated positions");
  if (accepted.size() != expected.size()) {
    // Name the first change that differs, to say what was lost or added.
    size_t i = 0;
    for (const auto& [pos, record] : accepted) {
      if (i >= expected.size() || comparable(parse_flat_line(record->value)) !=
                                      comparable(expected[i])) {
        FAIL_CHECK("first difference at change "
                   << i << ": published " << pos.file << ":" << pos.offset
                   << ":" << pos.index);
        break;
      }
      ++i;
    }
  }
  REQUIRE(accepted.size() == expected.size());
  size_t i = 0;
  for (const auto& [pos, record] : accepted) {
    const FlatLine got = parse_flat_line(record->value);
    INFO("change " << i << " at " << pos.file << ":" << pos.offset << ":"
                   << pos.index);
    REQUIRE(comparable(got) == comparable(expected[i]));
    ++i;
  }
  return result;
}

}  // namespace sluice::testing
