#include "app/decode_command.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <vector>

#include "app/output_buffer.h"
#include "binlog/event_decoder.h"
#include "binlog/format_description.h"
#include "codec/charset.h"
#include "codec/flat_message.h"
#include "mysql/binlog_file_decoder.h"
#include "pipeline/statement.h"

namespace sluice::app {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Prints each row change and statement as one FlatMessage line.
class FlatPrinter final : public binlog::EventHandler {
 public:
  FlatPrinter(const binlog::EventDecoder& decoder,
              const mysql::FilePosition& pos, OutputBuffer& out)
      : decoder_(decoder), pos_(pos), out_(out), encoder_(false) {}

  // A GTID event starts each transaction; servers without GTIDs (or with
  // anonymous ones) leave the message's gtid empty.
  Status on_gtid(const binlog::EventHeader&, std::string_view gtid) override {
    gtid_ = gtid == "ANONYMOUS" ? "" : std::string(gtid);
    return {};
  }

  Status on_row(const binlog::RowEvent& row) override {
    const binlog::FormatDescription& fd = decoder_.format();
    encoder_.set_server(
        fd.mariadb, fd.mariadb || fd.version < binlog::ServerVersion{8, 0, 19});
    const size_t mark = out_.buffer().size();
    if (auto s = encoder_.append_row(row, envelope(), out_.buffer()); !s) {
      out_.buffer().resize(mark);  // never print half a message
      return s;
    }
    out_.buffer().push_back('\n');
    return flush_if_full();
  }

  Status on_query(const binlog::EventHeader& header,
                  const binlog::QueryEvent& q, std::string_view sql) override {
    sql_.clear();
    utf8_.append(codec::charset_of_collation(q.client_charset,
                                             decoder_.format().mariadb),
                 as_bytes(sql), sql_);
    const pipeline::Statement st = pipeline::classify_statement(sql_, q.schema);
    if (st.transaction_control) return {};
    encoder_.append_statement(st.schema, st.table, sql_, st.type,
                              header.timestamp, envelope(), out_.buffer());
    out_.buffer().push_back('\n');
    return flush_if_full();
  }

  // True when stdout refused a write (exit status 2, not 1).
  [[nodiscard]] bool output_failed() const { return output_failed_; }

 private:
  Status flush_if_full() {
    Status s = out_.maybe_flush();
    output_failed_ = !s;
    return s;
  }

  codec::FlatEnvelope envelope() {
    if (pos_.offset != last_offset_ || pos_.file != last_file_) {
      ++id_;
      last_offset_ = pos_.offset;
      last_file_ = pos_.file;
      ts_ms_ = now_ms();
    }
    return {id_, gtid_, ts_ms_};
  }

  const binlog::EventDecoder& decoder_;
  const mysql::FilePosition& pos_;
  OutputBuffer& out_;
  codec::FlatMessageEncoder encoder_;
  codec::Utf8Converter utf8_;  // statement text, from the client's charset
  std::string gtid_;
  std::string sql_;
  int64_t id_ = 0;
  int64_t ts_ms_ = 0;
  uint64_t last_offset_ = 0;
  std::string last_file_;
  bool output_failed_ = false;
};

}  // namespace

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
