#include "app/tail_options.h"

#include <cstdio>
#include <cstdlib>

#include "common/text.h"

namespace sluice::app {
namespace {

tl::unexpected<Error> usage(const std::string& message) {
  return make_error(Errc::kUsage, message + " (see sluice tail --help)");
}

template <class T>
Result<T> parse_flag_number(const std::string& flag, std::string_view text,
                            T min, T max) {
  T v{};
  if (!parse_number(text, v) || v < min || v > max) {
    return usage(flag + " wants a whole number from " + std::to_string(min) +
                 " to " + std::to_string(max) + ", not '" + std::string(text) +
                 "'");
  }
  return v;
}

Result<std::chrono::milliseconds> parse_seconds(const std::string& flag,
                                                std::string_view text,
                                                double min, double max) {
  const std::string s(text);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !(v >= min && v <= max)) {
    return usage(flag + " wants seconds from " + std::to_string(min) + " to " +
                 std::to_string(max) + ", not '" + s + "'");
  }
  return std::chrono::milliseconds(static_cast<int64_t>(v * 1000.0));
}

Status parse_master(std::string_view text, TailOptions& o) {
  // HOST:PORT, [v6]:PORT, or HOST alone (port 3306).
  std::string_view host = text;
  std::string_view port;
  if (text.starts_with('[')) {
    const size_t close = text.find(']');
    if (close == std::string_view::npos)
      return usage("--master '" + std::string(text) + "': missing ']'");
    host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':')
        return usage("--master '" + std::string(text) + "': expected :PORT");
      port = text.substr(close + 2);
    }
  } else if (text.find(':') != text.rfind(':')) {
    host = text;  // a bare IPv6 address; its port needs [brackets]:PORT
  } else if (const size_t colon = text.rfind(':');
             colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty()) return usage("--master needs a host, as HOST:PORT");
  o.host = host;
  if (!port.empty()) {
    SLUICE_ASSIGN_OR_RETURN(
        o.port, parse_flag_number<uint16_t>("--master port", port, 1, 65535));
  }
  return {};
}

}  // namespace

Result<TailOptions> parse_tail_options(std::span<const std::string> args) {
  TailOptions o;
  bool have_pos = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    bool inline_value = false;
    if (flag == "-h" || flag == "--help") {
      o.help = true;
      return o;
    }
    if (flag == "--stop-at-end") {
      o.stop_at_end = true;
      continue;
    }
    if (flag == "--get-server-public-key") {
      o.get_server_public_key = true;
      continue;
    }
    if (!flag.starts_with("--")) {
      return usage("unexpected argument '" + flag + "'");
    }
    if (const size_t eq = flag.find('='); eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag.resize(eq);
      inline_value = true;
    }
    static constexpr std::string_view kValued[] = {"--master",
                                                   "--user",
                                                   "--gtid",
                                                   "--file",
                                                   "--pos",
                                                   "--filter",
                                                   "--black-filter",
                                                   "--field-filter",
                                                   "--black-field-filter",
                                                   "--server-id",
                                                   "--heartbeat",
                                                   "--connect-timeout",
                                                   "--max-backoff",
                                                   "--progress",
                                                   "--tls-mode",
                                                   "--tls-ca",
                                                   "--server-public-key",
                                                   "--format"};
    bool known = false;
    for (std::string_view k : kValued) known = known || k == flag;
    if (!known) return usage("unknown option '" + flag + "'");
    if (!inline_value) {
      if (i + 1 == args.size()) return usage(flag + " needs a value");
      value = args[++i];
    }
    if (flag == "--master") {
      SLUICE_RETURN_IF_ERROR(parse_master(value, o));
    } else if (flag == "--user") {
      o.user = value;
    } else if (flag == "--gtid") {
      o.gtid = value;
    } else if (flag == "--file") {
      o.file = value;
    } else if (flag == "--pos") {
      SLUICE_ASSIGN_OR_RETURN(
          o.pos, parse_flag_number<uint64_t>(flag, value, 4, UINT32_MAX));
      have_pos = true;
    } else if (flag == "--filter") {
      o.filter = value;
    } else if (flag == "--black-filter") {
      o.black_filter = value;
    } else if (flag == "--field-filter") {
      o.field_filter = value;
    } else if (flag == "--black-field-filter") {
      o.black_field_filter = value;
    } else if (flag == "--server-id") {
      SLUICE_ASSIGN_OR_RETURN(
          o.server_id, parse_flag_number<uint32_t>(flag, value, 1, UINT32_MAX));
    } else if (flag == "--heartbeat") {
      SLUICE_ASSIGN_OR_RETURN(o.heartbeat,
                              parse_seconds(flag, value, 0.1, 3600));
    } else if (flag == "--connect-timeout") {
      SLUICE_ASSIGN_OR_RETURN(o.connect_timeout,
                              parse_seconds(flag, value, 0.1, 600));
    } else if (flag == "--max-backoff") {
      SLUICE_ASSIGN_OR_RETURN(o.max_backoff,
                              parse_seconds(flag, value, 0.1, 3600));
    } else if (flag == "--progress") {
      SLUICE_ASSIGN_OR_RETURN(o.progress_every,
                              parse_seconds(flag, value, 0, 3600));
    } else if (flag == "--tls-mode") {
      SLUICE_ASSIGN_OR_RETURN(o.tls_mode, mysql::parse_tls_mode(value));
    } else if (flag == "--tls-ca") {
      o.tls_ca = value;
    } else if (flag == "--server-public-key") {
      o.server_public_key = value;
    } else if (flag == "--format") {
      if (value != "flat") {
        return usage("unknown format '" + value +
                     "'; this build prints 'flat'");
      }
    }
  }
  if (o.host.empty()) return usage("--master HOST:PORT is required");
  if (o.user.empty()) return usage("--user is required");
  if (o.gtid && (!o.file.empty() || have_pos)) {
    return usage("give either --gtid or --file/--pos, not both");
  }
  if (have_pos && o.file.empty()) return usage("--pos needs --file");
  if ((o.tls_mode == mysql::TlsMode::kVerifyCa ||
       o.tls_mode == mysql::TlsMode::kVerifyIdentity) &&
      o.tls_ca.empty()) {
    return usage(std::string("--tls-mode ") + mysql::tls_mode_name(o.tls_mode) +
                 " needs --tls-ca FILE");
  }
  if (const char* pw = std::getenv("SLUICE_PASSWORD")) o.password = Secret(pw);
  return o;
}

void print_tail_help() {
  std::fputs(
      "usage: sluice tail --master HOST:PORT --user USER\n"
      "                   [--gtid SET | --file NAME [--pos N]] [options]\n"
      "\n"
      "Registers with a MySQL or MariaDB server as a replica and prints every\n"
      "row change (and DDL statement) as one canal FlatMessage JSON line on\n"
      "stdout, live, until stopped. The password comes from the environment\n"
      "variable SLUICE_PASSWORD (never a flag). Progress and lag go to "
      "stderr.\n"
      "\n"
      "start position (default: the server's current end of binlog):\n"
      "  --gtid SET           MySQL GTID set (uuid:1-5,...) or MariaDB GTID\n"
      "                       position (0-1-100,...): start after it\n"
      "  --file NAME          binlog file to start in\n"
      "  --pos N              byte position in --file (default 4, its start)\n"
      "\n"
      "what to print:\n"
      "  --filter REGEX       canal.instance.filter.regex: comma-separated\n"
      "                       regexes over schema.table, case-insensitive, "
      "full\n"
      "                       match (e.g. 'test\\.commission,shop\\..*')\n"
      "  --black-filter REGEX canal.instance.filter.black.regex: tables to "
      "drop\n"
      "  --field-filter LIST  canal.instance.filter.field: only these columns\n"
      "                       (schema.table:col1/col2,schema.t2:col)\n"
      "  --black-field-filter LIST\n"
      "                       canal.instance.filter.black.field: all columns\n"
      "                       but these (a table's --field-filter wins)\n"
      "  --format flat        canal FlatMessage JSON (the default and only "
      "one)\n"
      "\n"
      "connection:\n"
      "  --server-id N        replica server id (default: derived, unused by\n"
      "                       other replicas and different from the "
      "server's)\n"
      "  --tls-mode MODE      disabled | preferred (default) | required |\n"
      "                       verify-ca | verify-identity\n"
      "  --tls-ca FILE        CA certificate (PEM) for the verify modes\n"
      "  --server-public-key FILE\n"
      "                       RSA key (PEM) for caching_sha2_password without\n"
      "                       TLS\n"
      "  --get-server-public-key\n"
      "                       or ask the server for that key (trusting the\n"
      "                       network not to swap it)\n"
      "  --heartbeat SECONDS  server heartbeat period (default 5); silence "
      "for\n"
      "                       three periods means the connection is dead\n"
      "  --connect-timeout SECONDS   per connection attempt (default 5)\n"
      "  --max-backoff SECONDS       reconnect delay cap (default 30); delays\n"
      "                       start at 0.25 s and double\n"
      "\n"
      "running:\n"
      "  --progress SECONDS   progress line on stderr every SECONDS (default "
      "5,\n"
      "                       0 = never)\n"
      "  --stop-at-end        exit 0 once the server's binlog end at start-up\n"
      "                       has been printed (for catch-up and comparisons)\n"
      "  -h, --help           this text\n"
      "\n"
      "A lost connection (server restart, KILL of the dump thread, network) "
      "is\n"
      "retried with backoff and resumed after the last complete transaction,\n"
      "with no row printed twice. SIGTERM or SIGINT stops after the current\n"
      "transaction; a second one stops at once.\n"
      "\n"
      "Exit status: 0 stopped on request or at --stop-at-end; 1 bad "
      "options,\n"
      "server unreachable at start, access denied, missing grant, purged or\n"
      "invalid start position, binlog not in ROW format; 2 the stream failed\n"
      "(corrupt event, lost events, a refusal on reconnect) or stdout could\n"
      "not be written; 130 stopped at once by a second signal.\n",
      stdout);
}

}  // namespace sluice::app
