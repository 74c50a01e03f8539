// `sluice check` (DESIGN §3, §7): lints canal's configuration as sluice
// reads it and, unless --offline, reaches each destination's MySQL server
// and the Kafka cluster to check what the files cannot show (binlog
// settings, grants, server ids, start positions, the tables partitionHash
// names, topics and their partition counts). Every problem is reported at
// once, each with its fix.
#pragma once

#include <span>
#include <string>

namespace sluice::app {

// Runs the subcommand with the arguments after "check"; returns the exit
// code: 0 no error (warnings allowed), 1 an error found or bad usage.
int run_check(std::span<const std::string> args);

}  // namespace sluice::app
