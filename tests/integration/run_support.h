// Shared pieces of the `sluice run` integration tests: a canal conf
// directory for a MariaDB server and a mock Kafka cluster, the sluice run
// process, and the check of what it published: after dropping position
// repeats as a position-aware consumer does, exactly the changes `sluice
// decode` reads from the same binlog files, each on canal's partition, in
// binlog order within its partition.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "integration/mariadb_server.h"
#include "integration/tail_support.h"
#include "kafka/mock_cluster.h"
#include "support/kafka_records.h"

namespace sluice::testing {

// A fresh directory under /tmp, removed with everything in it when
// destroyed (unless SLUICE_KEEP_MARIADB_DIR is set).
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A mock cluster with topics commission (3 partitions) and
// __sluice_positions (1).
std::unique_ptr<kafka::MockCluster> start_commission_cluster();

// Extra canal.properties keys of a test.
using ConfKeys = std::map<std::string, std::string>;

// Writes <dir>/canal.properties and <dir>/test/instance.properties for
// destination `test` (test.commission, 3 partitions hashed by id, as user
// repl), starting at `file`:`pos`; `extra` keys are added to
// canal.properties (e.g. canal.mq.transaction=false).
void write_run_conf(const std::string& dir, const MariaDbServer& server,
                    const kafka::MockCluster& cluster, const std::string& file,
                    uint64_t pos, const ConfKeys& extra = {});

// `sluice run --conf <conf_dir> --progress 1`.
class RunProcess : public SluiceProcess {
 public:
  explicit RunProcess(const std::string& conf_dir);
  // Peak resident memory (VmHWM), in KiB, while it runs.
  [[nodiscard]] uint64_t peak_rss_kib() const;
};

// Everything a `sluice run` test holds: a MariaDB server with
// test.commission, a mock cluster, a conf directory starting at the binlog
// end, and a reader of topic commission started before any run.
class RunEnvironment {
 public:
  // `extra` keys go into canal.properties.
  explicit RunEnvironment(const ConfKeys& extra = {});

  MariaDbServer& server() { return *server_; }
  [[nodiscard]] const std::string& conf_dir() const { return conf_; }
  kafka::MockCluster& cluster() { return *cluster_; }

  // Starts `sluice run` and waits until it streams (or resumes).
  std::unique_ptr<RunProcess> start_run(const std::string& wait_for);

  // Waits until a checkpoint record names the server's current binlog end
  // or a later position.
  [[nodiscard]] bool wait_caught_up(std::chrono::seconds timeout);

  // Everything published to commission so far (stops the reader).
  std::vector<test::KafkaRecord> published();

  // `sluice decode` of the binlog files the run read.
  std::string decoded();

 private:
  std::unique_ptr<MariaDbServer> server_;
  std::unique_ptr<kafka::MockCluster> cluster_;
  std::string file_;
  uint64_t pos_ = 4;
  ScratchDir scratch_;
  std::string conf_;
  std::unique_ptr<test::TopicCollector> collector_;
};

struct PublishedCheck {
  size_t accepted = 0;    // distinct positions
  size_t duplicates = 0;  // repeats of a position already seen
};

// Checks `records` of topic commission against `decoded` (the output of
// `sluice decode` over the binlog files the run read): fails the test
// (Catch2 REQUIRE/CHECK) on any difference.
PublishedCheck check_published(const std::vector<test::KafkaRecord>& records,
                               const std::string& decoded);

// Java String.hashCode of ASCII text and canal's partition of a
// test.commission id over 3 partitions, computed plainly.
int32_t canal_partition_of_id(const std::string& id);

}  // namespace sluice::testing
