// `sluice run`: the canal server replacement (DESIGN §3, §4). Reads canal's
// configuration under --conf and publishes every destination's changes to
// Kafka, one thread per destination, until SIGTERM/SIGINT; then each
// destination commits (or aborts) its open Kafka transaction and writes
// its checkpoint within 5 s.
#pragma once

#include <span>
#include <string>

namespace sluice::app {

// Runs the subcommand with the arguments after "run"; returns the exit code
// (0 stopped on request, 1 bad configuration or refused start, 2 failure
// while running).
int run_run(std::span<const std::string> args);

}  // namespace sluice::app
