#include "app/decode_command.h"

#include <unistd.h>

#include <cstdio>
#include <vector>

#include "app/flat_printer.h"
#include "app/output_buffer.h"
#include "binlog/event_decoder.h"
#include "mysql/binlog_file_decoder.h"

namespace sluice::app {

void print_decode_help() {
  std::fputs(
      "usage: sluice decode [--format flat] FILE...\n"
      "\n"
      "Decodes MySQL/MariaDB binlog files, in the order given, and prints "
      "every\n"
      "row change (and every DDL statement) as one canal FlatMessage JSON "
      "line.\n"
      "Table maps and the format description carry from one file to the next,\n"
      "as across a ROTATE. Columns are named from binlog_row_metadata=FULL\n"
      "metadata, else @1..@n. TIMESTAMP values use the TZ time zone.\n"
      "\n"
      "  --format flat   canal FlatMessage JSON (canal.mq.flatMessage=true); "
      "the\n"
      "                  default and, for now, the only format\n"
      "  -h, --help      this text\n"
      "\n"
      "Exit status: 0 when every file decoded; 1 when a file is missing, not "
      "a\n"
      "binlog, truncated or corrupt (the message names the file, the byte "
      "offset\n"
      "and the event type; everything before it was printed); 2 when output\n"
      "could not be written.\n",
      stdout);
}

int run_decode(std::span<const std::string> args) {
  std::vector<std::string> files;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      print_decode_help();
      return 0;
    }
    if (a == "--format" || a.starts_with("--format=")) {
      std::string value;
      if (a == "--format") {
        if (i + 1 == args.size()) {
          std::fprintf(stderr,
                       "sluice decode: --format needs a value (flat)\n");
          return 1;
        }
        value = args[++i];
      } else {
        value = a.substr(9);
      }
      if (value != "flat") {
        std::fprintf(
            stderr,
            "sluice decode: unknown format '%s'; this build prints 'flat'\n",
            value.c_str());
        return 1;
      }
      continue;
    }
    if (a.starts_with("-")) {
      std::fprintf(
          stderr,
          "sluice decode: unknown option '%s' (see sluice decode --help)\n",
          a.c_str());
      return 1;
    }
    files.push_back(a);
  }
  if (files.empty()) {
    std::fprintf(
        stderr,
        "sluice decode: no binlog files given (see sluice decode --help)\n");
    return 1;
  }
  OutputBuffer out(STDOUT_FILENO);
  binlog::EventDecoder decoder;
  mysql::FilePosition pos;
  FlatPrinter printer(decoder, pos, out);
  const Status decoded =
      mysql::decode_binlog_files(files, decoder, printer, &pos);
  if (auto flushed = out.flush(); !flushed) {
    std::fprintf(stderr, "sluice decode: %s\n",
                 flushed.error().message.c_str());
    return 2;
  }
  if (!decoded) {
    const Error& e = decoded.error();
    std::fprintf(stderr, "sluice decode: %s (%s)\n", e.message.c_str(),
                 errc_name(e.code));
    return printer.output_failed() ? 2 : 1;
  }
  return 0;
}

}  // namespace sluice::app
