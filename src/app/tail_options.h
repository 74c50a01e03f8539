// Command line of `sluice tail` (DESIGN §3): parsing, validation and help.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "common/error.h"
#include "common/secret.h"
#include "mysql/connection.h"

namespace sluice::app {

struct TailOptions {
  std::string host;
  uint16_t port = 3306;
  std::string user;
  Secret password;  // from SLUICE_PASSWORD only
  // Start: a GTID set/position, or file + pos; neither = the server's
  // current position.
  std::optional<std::string> gtid;
  std::string file;
  uint64_t pos = 4;
  std::string filter;              // canal.instance.filter.regex
  std::string black_filter;        // canal.instance.filter.black.regex
  std::string field_filter;        // canal.instance.filter.field
  std::string black_field_filter;  // canal.instance.filter.black.field
  std::optional<uint32_t> server_id;
  std::chrono::milliseconds heartbeat{5'000};
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds max_backoff{30'000};
  std::chrono::milliseconds progress_every{5'000};
  mysql::TlsMode tls_mode = mysql::TlsMode::kPreferred;
  std::string tls_ca;
  std::string server_public_key;
  bool get_server_public_key = false;
  bool stop_at_end = false;
  bool help = false;
};

// Parses the arguments after "tail". kUsage errors say which flag is wrong
// and what it accepts.
[[nodiscard]] Result<TailOptions> parse_tail_options(
    std::span<const std::string> args);

void print_tail_help();

}  // namespace sluice::app
