// One destination of `sluice run` (DESIGN §1, §4): its control connection
// and replica stream, its decoder chain and its Kafka publisher, and the
// loop that moves changes from one to the other. It resumes from the
// checkpoint topic (else canal.instance.master.*, else the server's current
// position), closes a Kafka batch whenever the binlog goes idle or the
// batch is full, reconnects to MySQL with backoff, and after a Kafka
// failure gives up the open batch and redoes everything after the last
// committed checkpoint. Fatal problems stop it with an explanation.
//
// Only the holder of the destination's leader lock (ha::LeaderLock,
// DESIGN §5) publishes; other nodes stand by and poll. A leader that loses
// the lock, or cannot confirm it, aborts its open Kafka batch, drops what
// is queued and stands by again.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "config/canal_config.h"

namespace spdlog {
class logger;
}

namespace sluice::ha {
class LeaderLock;
}

namespace sluice::metrics {
class DestinationStats;
}

namespace sluice::app {

struct RunControl {
  // True once SIGTERM/SIGINT arrived (or another destination failed).
  std::function<bool()> stop_requested;
  // True once the time to finish after a stop request has run out: waits
  // for Kafka end with kCancelled.
  std::function<bool()> out_of_time;
  std::chrono::milliseconds progress_every{10'000};
};

class DestinationRunner {
 public:
  // `stats` receives what the destination does (DESIGN §7).
  DestinationRunner(const config::ServerConfig& server,
                    const config::InstanceConfig& instance, RunControl control,
                    metrics::DestinationStats& stats);
  ~DestinationRunner();

  // Runs until stopped. Exit status: 0 stopped on request, 1 a problem
  // with the configuration or the servers' set-up, 2 a failure while
  // running.
  [[nodiscard]] int run();

 private:
  class Session;
  // Polls the lock until this node holds it (nullopt), or returns the exit
  // status: 0 after a stop request, 1 when the lock cannot be asked for.
  std::optional<int> stand_by(ha::LeaderLock& lock);
  const config::ServerConfig& server_;
  const config::InstanceConfig& instance_;
  RunControl control_;
  metrics::DestinationStats& stats_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace sluice::app
