// `sluice consume`: prints what is in a Kafka topic, one record per line
// (partition, offset, key, sluice's position headers, value), for looking
// at what `sluice run` published without other tools.
#pragma once

#include <span>
#include <string>

namespace sluice::app {

// Runs the subcommand with the arguments after "consume"; returns the exit
// code (0 done or stopped, 1 bad options, 2 Kafka failure).
int run_consume(std::span<const std::string> args);

}  // namespace sluice::app
