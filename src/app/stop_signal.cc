#include "app/stop_signal.h"

#include <unistd.h>

#include <atomic>
#include <csignal>

namespace sluice::app {
namespace {

std::atomic<int> g_stop_signals{0};

extern "C" void on_stop_signal(int) {
  if (g_stop_signals.fetch_add(1) >= 1) _exit(130);
}

}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

bool stop_signalled() { return g_stop_signals.load() > 0; }

}  // namespace sluice::app
