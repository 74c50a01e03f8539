// `sluice tail`: a live replica stream from a MySQL or MariaDB server to
// canal FlatMessage JSON lines on stdout (DESIGN §3), with reconnects that
// resume after the last complete transaction.
#pragma once

#include <span>
#include <string>

namespace sluice::app {

// Runs the subcommand with the arguments after "tail"; returns the exit code
// (0 stopped on request, 1 bad options or refused start, 2 stream failure).
int run_tail(std::span<const std::string> args);

}  // namespace sluice::app
