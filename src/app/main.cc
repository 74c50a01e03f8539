// sluice command line: dispatches to the subcommands of DESIGN §3.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "app/check_command.h"
#include "app/consume_command.h"
#include "app/decode_command.h"
#include "app/run_command.h"
#include "app/tail_command.h"

namespace {

constexpr const char* kVersion = "0.1.0";

void print_help() {
  std::fputs(
      "sluice: MySQL/MariaDB binlog to Kafka change data capture, a native\n"
      "replacement for the canal server.\n"
      "\n"
      "usage: sluice <command> [options]\n"
      "\n"
      "commands:\n"
      "  run [--conf DIR] [--destination NAME]\n"
      "                                   publish to Kafka as canal's server "
      "does,\n"
      "                                   reading canal's configuration files\n"
      "  check [--conf DIR] [--destination NAME] [--offline]\n"
      "                                   list every problem with the files, "
      "MySQL\n"
      "                                   and Kafka, each with its fix\n"
      "  decode [--format flat] FILE...   binlog files -> canal FlatMessage "
      "JSON\n"
      "  tail --master HOST:PORT --user U [--gtid SET | --file F --pos N]\n"
      "                                   live replica stream -> canal "
      "FlatMessage\n"
      "                                   JSON (password: SLUICE_PASSWORD)\n"
      "  consume --brokers B --topic T    print a Kafka topic's records\n"
      "  version                          print the version\n"
      "  help                             this text\n"
      "\n"
      "`sluice <command> --help` explains a command's options.\n",
      stdout);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
      print_help();
      return 1;
    }
    const std::string& cmd = args[0];
    if (cmd == "decode") {
      return sluice::app::run_decode(std::span(args).subspan(1));
    }
    if (cmd == "consume") {
      return sluice::app::run_consume(std::span(args).subspan(1));
    }
    if (cmd == "run") {
      return sluice::app::run_run(std::span(args).subspan(1));
    }
    if (cmd == "check") {
      return sluice::app::run_check(std::span(args).subspan(1));
    }
    if (cmd == "tail") {
      return sluice::app::run_tail(std::span(args).subspan(1));
    }
    if (cmd == "version" || cmd == "--version") {
      std::printf("sluice %s\n", kVersion);
      return 0;
    }
    if (cmd == "help" || cmd == "--help" || cmd == "-h") {
      print_help();
      return 0;
    }
    std::fprintf(stderr, "sluice: unknown command '%s' (see sluice help)\n",
                 cmd.c_str());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sluice: internal error: %s\n", e.what());
    return 2;
  }
}
