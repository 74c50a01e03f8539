#include "app/run_command.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "app/command_line.h"
#include "app/destination_runner.h"
#include "app/heap_tuning.h"
#include "app/stop_signal.h"
#include "common/wall_clock.h"
#include "config/canal_config.h"
#include "metrics/collector.h"
#include "metrics/destination_stats.h"
#include "metrics/http_endpoint.h"

namespace sluice::app {
namespace {

using Clock = std::chrono::steady_clock;

// Time between the stop request and giving up on Kafka: within the 5 s an
// init system waits, with room to exit.
constexpr std::chrono::milliseconds kStopGrace{4'000};
// Freed memory kept for reuse instead of returned to the kernel: a
// batch's messages (see keep_freed_heap).
constexpr unsigned long kKeptHeapBytes = 64UL << 20;

std::atomic<bool> g_failed{false};

void print_help() {
  std::fputs(
      "usage: sluice run [--conf DIR] [--destination NAME]\n"
      "\n"
      "Publishes the row changes of every destination in canal.destinations\n"
      "to Kafka, as canal's server in Kafka mode does, reading canal's own\n"
      "files: DIR/canal.properties and DIR/<destination>/instance.properties.\n"
      "Runs until SIGTERM or SIGINT; a second signal exits at once.\n"
      "\n"
      "  --conf DIR          canal's conf directory (default ./conf)\n"
      "  --destination NAME  run only this destination\n"
      "  --progress SECONDS  log rows/s, position and lag this often\n"
      "                      (default 10; 0 = never)\n"
      "  --metrics-port PORT serve /metrics, /healthz and /ready on PORT\n"
      "                      instead of canal.metrics.pull.port (0: any\n"
      "                      free port, logged at start)\n"
      "  --help              this text\n"
      "\n"
      "The MySQL password is canal.instance.dbPassword, else the\n"
      "SLUICE_PASSWORD environment variable; it is never logged.\n"
      "Each destination resumes from its checkpoint in the topic\n"
      "sluice.meta.topic (default __sluice_positions), else from\n"
      "canal.instance.master.journal.name/position (or .gtid), else from the\n"
      "server's current position.\n"
      "\n"
      "Every node running a destination tries the MySQL lock\n"
      "GET_LOCK('sluice.<destination>') on its source server; the holder\n"
      "publishes and the others stand by (sluice.ha.poll.ms,\n"
      "sluice.ha.lock.timeout.s). `sluice check --conf DIR` lists every\n"
      "problem with the files and the servers before you start.\n"
      "\n"
      "Exit status: 0 stopped on request, 1 bad configuration or a server\n"
      "set-up that prevents capture, 2 a failure while running.\n",
      stdout);
}

}  // namespace

int run_run(std::span<const std::string> args) {
  std::string conf = "conf";
  std::string only;
  double progress_s = 10;
  std::optional<uint16_t> metrics_port;
  CommandLine cli("sluice run", print_help);
  cli.text("--conf", conf);
  cli.text("--destination", only);
  cli.value("--progress", [&](const std::string& v) {
    char* end = nullptr;
    progress_s = std::strtod(v.c_str(), &end);
    return *end == '\0' && progress_s >= 0 && progress_s <= 86400
               ? std::string()
               : std::string("--progress wants seconds from 0 to 86400");
  });
  cli.value("--metrics-port", [&](const std::string& v) {
    char* end = nullptr;
    const unsigned long port = std::strtoul(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || port > 65535)
      return std::string("--metrics-port wants a port from 0 to 65535");
    metrics_port = static_cast<uint16_t>(port);
    return std::string();
  });
  if (cli.parse(args) == CommandLine::Outcome::kExit) return cli.exit_code();
  auto config = config::load_canal_config(conf, only);
  if (!config) return cli.usage(config.error().message);
  keep_freed_heap(kKeptHeapBytes);
  for (const std::string& note : config->notes)
    std::fprintf(stderr, "sluice run: note: %s\n", note.c_str());
  for (const config::Problem& p : config->problems) {
    std::fprintf(
        stderr, "sluice run: %s: %s: %s\n",
        p.severity == config::Problem::Severity::kError ? "error" : "warning",
        p.origin.text().c_str(), p.message.c_str());
  }
  if (config->has_errors()) {
    std::fprintf(stderr,
                 "sluice run: the configuration has errors (above); nothing "
                 "was started\n");
    return 1;
  }

  install_stop_handlers();

  std::atomic<int64_t> stop_at_ns{0};
  const auto stop_requested = [&] {
    if (!stop_signalled() && !g_failed.load()) return false;
    int64_t expected = 0;
    stop_at_ns.compare_exchange_strong(expected,
                                       Clock::now().time_since_epoch().count());
    return true;
  };
  RunControl control;
  control.stop_requested = stop_requested;
  control.out_of_time = [&] {
    if (!stop_requested()) return false;
    const Clock::time_point since{Clock::duration(stop_at_ns.load())};
    return Clock::now() - since > kStopGrace;
  };
  control.progress_every =
      std::chrono::milliseconds(static_cast<int64_t>(progress_s * 1000));

  // The collector owns each destination's stats; its runner writes them.
  auto collector = std::make_shared<metrics::Collector>(&wall_clock_ms);
  std::vector<std::unique_ptr<DestinationRunner>> runners;
  for (const config::InstanceConfig& in : config->instances) {
    auto stats = std::make_shared<metrics::DestinationStats>(in.destination);
    collector->add(stats);
    runners.push_back(std::make_unique<DestinationRunner>(config->server, in,
                                                          control, *stats));
  }
  auto endpoint = metrics::HttpEndpoint::start(
      config->server.metrics_host,
      metrics_port.value_or(config->server.metrics_port), collector);
  if (!endpoint) {
    std::fprintf(stderr, "sluice run: %s\n", endpoint.error().message.c_str());
    return 1;
  }
  const std::string& host = config->server.metrics_host;
  const std::string shown = host.empty() ? "0.0.0.0"
                            : host.find(':') != std::string::npos
                                ? "[" + host + "]"
                                : host;
  std::fprintf(stderr,
               "sluice run: metrics on http://%s:%u/metrics (also /healthz, "
               "/ready)\n",
               shown.c_str(), static_cast<unsigned>((*endpoint)->port()));
  std::vector<int> codes(runners.size(), 0);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < runners.size(); ++i) {
    threads.emplace_back([&, i] {
      codes[i] = runners[i]->run();
      // A destination that cannot go on stops the process: an init system
      // restarts it, and nothing runs half-configured.
      if (codes[i] != 0) g_failed = true;
    });
  }
  for (std::thread& t : threads) t.join();
  int code = 0;
  for (const int c : codes) code = std::max(code, c);
  return code;
}

}  // namespace sluice::app
