// sluice-mock-broker: librdkafka's mock Kafka cluster as a process, for the
// quickstart and for tests that run sluice as a separate process. It prints
// its bootstrap address, creates the topics it is told to, and runs until
// SIGTERM/SIGINT. SIGUSR1 takes every broker down and SIGUSR2 brings them
// back, so a test can simulate a broker outage from outside.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/text.h"
#include "kafka/mock_cluster.h"

namespace {

std::atomic<int> g_stop{0};
std::atomic<int> g_down{0};  // 1 = take down, 2 = bring up, 0 = nothing new

extern "C" void on_stop(int) { g_stop = 1; }
extern "C" void on_down(int) { g_down = 1; }
extern "C" void on_up(int) { g_down = 2; }

void print_help() {
  std::fputs(
      "usage: sluice-mock-broker [--brokers N] [--topic NAME:PARTITIONS]...\n"
      "                          [--bootstrap-file PATH]\n"
      "\n"
      "Runs librdkafka's mock Kafka cluster (in memory, loopback only) until\n"
      "SIGTERM or SIGINT. Not a production broker: it is for trying sluice\n"
      "out and for tests.\n"
      "\n"
      "  --brokers N             brokers in the cluster (default 1)\n"
      "  --topic NAME:PARTITIONS create a topic (repeatable); topics used\n"
      "                          before they exist get 4 partitions\n"
      "  --bootstrap-file PATH   also write the bootstrap address to PATH\n"
      "                          (written once the cluster is up)\n"
      "\n"
      "Prints `bootstrap.servers=HOST:PORT,...` on stdout once it is up.\n"
      "SIGUSR1 takes every broker down, SIGUSR2 brings them back up.\n",
      stdout);
}

int usage(const std::string& message) {
  std::fprintf(stderr, "sluice-mock-broker: %s (see --help)\n",
               message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  int brokers = 1;
  std::vector<std::pair<std::string, int32_t>> topics;
  std::string bootstrap_file;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* {
      return i + 1 < argc ? argv[++i] : nullptr;
    };
    if (arg == "--help" || arg == "-h") {
      print_help();
      return 0;
    }
    if (arg == "--brokers") {
      const char* v = value();
      if (!v || !sluice::parse_number(std::string_view(v), brokers) ||
          brokers < 1 || brokers > 16) {
        return usage("--brokers takes a number from 1 to 16");
      }
    } else if (arg == "--topic") {
      const char* v = value();
      const std::string_view t = v ? v : "";
      const size_t colon = t.rfind(':');
      int32_t partitions = 0;
      if (colon == std::string_view::npos || colon == 0 ||
          !sluice::parse_number(t.substr(colon + 1), partitions) ||
          partitions < 1) {
        return usage("--topic takes NAME:PARTITIONS, e.g. commission:3");
      }
      topics.emplace_back(std::string(t.substr(0, colon)), partitions);
    } else if (arg == "--bootstrap-file") {
      const char* v = value();
      if (!v) return usage("--bootstrap-file takes a path");
      bootstrap_file = v;
    } else {
      return usage("unknown argument '" + arg + "'");
    }
  }

  struct sigaction sa {};
  sigemptyset(&sa.sa_mask);
  sa.sa_handler = on_stop;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  sa.sa_handler = on_down;
  sigaction(SIGUSR1, &sa, nullptr);
  sa.sa_handler = on_up;
  sigaction(SIGUSR2, &sa, nullptr);

  auto cluster = sluice::kafka::MockCluster::start(brokers);
  if (!cluster) {
    std::fprintf(stderr, "sluice-mock-broker: %s\n",
                 cluster.error().message.c_str());
    return 2;
  }
  for (const auto& [name, partitions] : topics) {
    if (auto s = (*cluster)->create_topic(name, partitions); !s) {
      std::fprintf(stderr, "sluice-mock-broker: %s\n",
                   s.error().message.c_str());
      return 2;
    }
  }
  const std::string& bootstrap = (*cluster)->bootstrap();
  if (!bootstrap_file.empty()) {
    // Written whole under another name, then renamed: a reader never sees
    // half an address.
    const std::string tmp = bootstrap_file + ".tmp";
    std::ofstream(tmp) << bootstrap << "\n";
    if (std::rename(tmp.c_str(), bootstrap_file.c_str()) != 0) {
      std::fprintf(stderr, "sluice-mock-broker: cannot write %s: %s\n",
                   bootstrap_file.c_str(), std::strerror(errno));
      return 2;
    }
  }
  std::printf("bootstrap.servers=%s\n", bootstrap.c_str());
  std::fflush(stdout);

  while (!g_stop) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const int change = g_down.exchange(0);
    if (change == 0) continue;
    if (auto s = (*cluster)->set_down(change == 1); !s) {
      std::fprintf(stderr, "sluice-mock-broker: %s\n",
                   s.error().message.c_str());
    } else {
      std::fprintf(stderr, "sluice-mock-broker: brokers %s\n",
                   change == 1 ? "down" : "up");
    }
  }
  return 0;
}
