// The reference the decoder's row values are checked against: MariaDB's
// `mariadb-binlog --no-defaults -vv --base64-output=DECODE-ROWS`, run on a
// binlog file, and a parser for the row changes it prints. MariaDB:
// sql/log_event_client.cc (Rows_log_event::print_verbose,
// print_verbose_one_row, log_event_print_value, my_b_write_quoted).
//
// The tool prints one `###   @N=value /* TYPE meta=M nullable=B is_null=B */`
// line per column present in a row image, under `### INSERT INTO`,
// `### UPDATE` (a `### WHERE` before image, then a `### SET` after image) or
// `### DELETE FROM` headers. Strings are single-quoted with only the bytes
// below 0x20 escaped (as \xNN); quotes and backslashes are printed raw.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::testing {

enum class OracleRowKind : uint8_t { kInsert, kUpdate, kDelete };

// One column value as the tool printed it.
struct OracleValue {
  bool is_null = false;
  // The value with its quotes removed and \xNN escapes decoded to raw bytes
  // (b'0101' gives 0101; FLOAT padding is trimmed); empty for NULL.
  std::string text;
  // The value exactly as printed, quotes included, FLOAT padding trimmed.
  // The tool's string escaping is ambiguous (a raw backslash followed by
  // "x0a" prints like an escaped newline), so strings compare on this form.
  std::string printed;
  // The -vv comment without its delimiters: "INT meta=0 nullable=0 is_null=0".
  std::string comment;
};

struct OracleColumn {
  uint32_t index = 0;  // 0-based column position (the tool prints @index+1)
  OracleValue value;
};

// One row change. Images list only the columns present in them, in order.
struct OracleRow {
  std::string schema;
  std::string table;
  OracleRowKind kind = OracleRowKind::kInsert;
  std::vector<OracleColumn> before;  // `### WHERE`; empty for inserts
  std::vector<OracleColumn> after;   // `### SET`; empty for deletes
};

// Parses the tool's standard output into its row changes, in order. Throws
// std::runtime_error naming the line for output it cannot read (an unknown
// `###` line, a value line outside a row image, a row for an unknown table).
[[nodiscard]] std::vector<OracleRow> parse_mariadb_binlog_output(
    std::string_view output);

// Runs the tool on `path` (fixed argv, TZ=UTC, no shell) and parses its
// output. Throws std::runtime_error if the tool is not installed ("mariadb-
// binlog not found: install the Debian package mariadb-client"), or if it
// exits with a non-zero status (the message holds its standard error).
[[nodiscard]] std::vector<OracleRow> run_mariadb_binlog(
    const std::string& path);

// The same for `files` read from a running server as a replica would
// (--read-from-remote-server); `files` are binlog names on the server.
[[nodiscard]] std::vector<OracleRow> run_mariadb_binlog_remote(
    const std::string& host, int port, const std::string& user,
    const std::string& password, const std::vector<std::string>& files);

}  // namespace sluice::testing
