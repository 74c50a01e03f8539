// `sluice decode [--format flat] FILE...`: binlog files to canal FlatMessage
// JSON lines on stdout (DESIGN §3).
#pragma once

#include <span>
#include <string>

namespace sluice::app {

// Runs the subcommand with the arguments after "decode"; returns the exit
// code (0 ok, 1 bad input or usage, 2 runtime failure).
int run_decode(std::span<const std::string> args);

void print_decode_help();

}  // namespace sluice::app
