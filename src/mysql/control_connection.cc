#include "mysql/control_connection.h"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <mutex>

#include "mysql/control_text.h"

namespace sluice::mysql {
namespace {

using control_text::cell;
using control_text::lower;
using control_text::parse_u64;

// Server error for "Host '...' is not allowed to connect to this server".
constexpr unsigned kErHostNotPrivileged = 1130;
// "You are not using binary logging".
constexpr unsigned kErNoBinaryLogging = 1381;

void init_library_once() {
  // mysql_library_init is not thread-safe; mysql_init would call it lazily.
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

// Replaces every occurrence of `secret` in `text` with "***".
std::string scrub(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  for (size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + 3)) {
    text.replace(at, secret.size(), "***");
  }
  return text;
}

// Reads the leading decimal number of `s` and drops it (and one following
// '.') from `s`; 0 when `s` does not start with a digit.
unsigned take_number(std::string_view& s) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{}) return 0;
  s.remove_prefix(static_cast<size_t>(end - s.data()));
  if (!s.empty() && s.front() == '.') s.remove_prefix(1);
  return value;
}

bool is_client_connection_error(unsigned code) {
  return code == CR_CONNECTION_ERROR || code == CR_CONN_HOST_ERROR ||
         code == CR_UNKNOWN_HOST || code == CR_SERVER_GONE_ERROR ||
         code == CR_SERVER_LOST || code == CR_SERVER_LOST_EXTENDED;
}

bool is_access_error(unsigned code) {
  return code == ER_ACCESS_DENIED_ERROR ||
         code == ER_ACCESS_DENIED_NO_PASSWORD_ERROR ||
         code == ER_DBACCESS_DENIED_ERROR ||
         code == ER_TABLEACCESS_DENIED_ERROR ||
         code == ER_SPECIFIC_ACCESS_DENIED_ERROR;
}

}  // namespace

std::string to_string(const ServerAddress& address) {
  const bool ipv6 = address.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + address.host + "]" : address.host) + ":" +
         std::to_string(address.port);
}

bool ServerInfo::at_least(unsigned mj, unsigned mn, unsigned pt) const {
  if (major != mj) return major > mj;
  if (minor != mn) return minor > mn;
  return patch >= pt;
}

void ControlConnection::Closer::operator()(st_mysql* conn) const {
  mysql_close(conn);
}

ControlConnection::ControlConnection(std::unique_ptr<st_mysql, Closer> conn,
                                     ServerAddress address, Secret password)
    : conn_(std::move(conn)),
      address_(std::move(address)),
      password_(std::move(password)) {}

ControlConnection::~ControlConnection() = default;

Result<ControlConnection> ControlConnection::connect(
    const ServerAddress& address, const ControlConnectionOptions& options) {
  init_library_once();
  std::unique_ptr<st_mysql, Closer> conn(mysql_init(nullptr));
  if (!conn) return make_error(Errc::kIo, "mysql_init: out of memory");
  MYSQL* h = conn.get();

  // TCP even for "localhost", which libmariadb would otherwise take as the
  // default unix socket: the address names a port.
  unsigned protocol = MYSQL_PROTOCOL_TCP;
  unsigned connect_timeout = options.connect_timeout_s;
  unsigned read_timeout = options.read_timeout_s;
  unsigned write_timeout = options.write_timeout_s;
  mysql_optionsv(h, MYSQL_OPT_PROTOCOL, &protocol);
  mysql_optionsv(h, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  mysql_optionsv(h, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
  mysql_optionsv(h, MYSQL_OPT_WRITE_TIMEOUT, &write_timeout);
  mysql_optionsv(h, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (options.tls.enabled) {
    my_bool enforce = 1;
    my_bool verify = options.tls.verify_server_cert ? 1 : 0;
    mysql_optionsv(h, MYSQL_OPT_SSL_ENFORCE, &enforce);
    mysql_optionsv(h, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
    if (!options.tls.ca_file.empty()) {
      mysql_optionsv(h, MYSQL_OPT_SSL_CA, options.tls.ca_file.c_str());
    }
  }

  if (mysql_real_connect(h, address.host.c_str(), options.user.c_str(),
                         options.password.reveal().c_str(), nullptr,
                         address.port, nullptr, 0) == nullptr) {
    const unsigned code = mysql_errno(h);
    const std::string where =
        "connect to " + to_string(address) + " as '" + options.user +
        "': error " + std::to_string(code) + " (" + mysql_sqlstate(h) +
        "): " + scrub(mysql_error(h), options.password.reveal());
    if (code == ER_ACCESS_DENIED_ERROR ||
        code == ER_ACCESS_DENIED_NO_PASSWORD_ERROR ||
        code == ER_DBACCESS_DENIED_ERROR) {
      return make_error(Errc::kRefused,
                        where +
                            "; access denied: check canal.instance.dbUsername/"
                            "dbPassword or SLUICE_PASSWORD");
    }
    if (code == kErHostNotPrivileged) {
      return make_error(Errc::kRefused,
                        where +
                            "; the server has no account for this user from "
                            "this client host: create one (CREATE USER "
                            "'user'@'host' ...) or check "
                            "canal.instance.dbUsername");
    }
    if (code == CR_SSL_CONNECTION_ERROR) {
      return make_error(
          Errc::kRefused,
          where + "; TLS was required" +
              (options.tls.ca_file.empty()
                   ? std::string()
                   : " with CA file " + options.tls.ca_file) +
              (options.tls.verify_server_cert
                   ? " and server certificate verification"
                   : "") +
              ": the server must offer TLS with a certificate that passes "
              "these checks");
    }
    if (is_client_connection_error(code)) {
      return make_error(
          Errc::kIo,
          where + "; cannot reach the server at " + to_string(address) +
              " within " + std::to_string(options.connect_timeout_s) +
              " s: check canal.instance.master.address and that the server "
              "is running and reachable from this host");
    }
    // Anything else the server said (too many connections, host blocked).
    return make_error(Errc::kIo, where);
  }
  // libmariadb 3.3 falls back to plain TCP when the server offers no TLS
  // unless the certificate is verified; a required TLS must not.
  if (options.tls.enabled && mysql_get_ssl_cipher(h) == nullptr) {
    return make_error(Errc::kRefused,
                      "connect to " + to_string(address) + " as '" +
                          options.user +
                          "': TLS was required but the server does not offer "
                          "it: configure TLS on the server (ssl_cert, "
                          "ssl_key) or turn TLS off for this connection");
  }
  return ControlConnection(std::move(conn), address, options.password);
}

Error ControlConnection::last_error(std::string_view sql) const {
  MYSQL* h = conn_.get();
  const unsigned code = mysql_errno(h);
  std::string message = "query on " + to_string(address_) + " failed: error " +
                        std::to_string(code) + " (" + mysql_sqlstate(h) +
                        "): " + mysql_error(h);
  if (!sql.empty()) message += "; SQL: " + std::string(sql);
  message = scrub(std::move(message), password_.reveal());
  if (is_access_error(code)) {
    return Error{Errc::kRefused,
                 message +
                     "; grant the privilege the server names to the "
                     "user in canal.instance.dbUsername"};
  }
  // Client-side errors (lost connection, server gone) and the server errors
  // of a session that ended or a statement that may succeed when repeated.
  constexpr unsigned kTransient[] = {
      1053,                    // ER_SERVER_SHUTDOWN
      1152,                    // ER_ABORTING_CONNECTION
      1158, 1159, 1160, 1161,  // ER_NET_READ/WRITE errors and timeouts
      1205,                    // ER_LOCK_WAIT_TIMEOUT
      1213,                    // ER_LOCK_DEADLOCK
      1317,                    // ER_QUERY_INTERRUPTED
      1927,                    // ER_CONNECTION_KILLED (MariaDB)
      4031,                    // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8.0.24+)
  };
  if ((code >= CR_MIN_ERROR && code <= CR_MAX_ERROR) ||
      std::find(std::begin(kTransient), std::end(kTransient), code) !=
          std::end(kTransient)) {
    return Error{Errc::kIo, std::move(message)};
  }
  return Error{Errc::kUnsupported, std::move(message)};
}

Result<std::vector<ControlConnection::Row>> ControlConnection::query(
    std::string_view sql) {
  MYSQL* h = conn_.get();
  if (mysql_real_query(h, sql.data(), sql.size()) != 0) {
    return tl::unexpected(last_error(sql));
  }
  std::vector<Row> rows;
  MYSQL_RES* res = mysql_store_result(h);
  if (res == nullptr) {
    if (mysql_field_count(h) != 0) return tl::unexpected(last_error(sql));
    return rows;  // a statement without a result set
  }
  const unsigned fields = mysql_num_fields(res);
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    const unsigned long* lengths = mysql_fetch_lengths(res);
    Row out;
    out.reserve(fields);
    for (unsigned i = 0; i < fields; ++i) {
      if (row[i] == nullptr) {
        out.emplace_back(std::nullopt);
      } else {
        out.emplace_back(std::in_place, row[i], lengths[i]);
      }
    }
    rows.push_back(std::move(out));
  }
  const bool failed = mysql_errno(h) != 0;  // the row fetch was cut short
  mysql_free_result(res);
  if (failed) return tl::unexpected(last_error(sql));
  return rows;
}

std::string ControlConnection::quote(std::string_view text) const {
  std::string out(text.size() * 2 + 3, '\0');
  out[0] = '\'';
  const unsigned long n =
      mysql_real_escape_string(conn_.get(), out.data() + 1, text.data(),
                               static_cast<unsigned long>(text.size()));
  out.resize(n + 1);
  out.push_back('\'');
  return out;
}

Result<ServerInfo> ControlConnection::server_info() {
  if (info_) return *info_;
  SLUICE_ASSIGN_OR_RETURN(
      auto rows, query("SELECT VERSION(), @@version_comment, @@server_id"));
  if (rows.empty()) {
    return make_error(
        Errc::kUnsupported,
        "SELECT VERSION() on " + to_string(address_) + " returned no row");
  }
  ServerInfo info;
  info.version = cell(rows[0], 0);
  info.version_comment = cell(rows[0], 1);
  const bool mariadb =
      lower(info.version).find("mariadb") != std::string::npos ||
      lower(info.version_comment).find("mariadb") != std::string::npos;
  info.flavor = mariadb ? Flavor::kMariaDb : Flavor::kMySql;
  std::string_view v = info.version;
  // Old MariaDB handshakes say "5.5.5-10.x"; VERSION() normally does not.
  if (mariadb && v.starts_with("5.5.5-")) v.remove_prefix(6);
  info.major = take_number(v);
  info.minor = take_number(v);
  info.patch = take_number(v);
  const auto id = parse_u64(cell(rows[0], 2));
  if (!id || *id > UINT32_MAX) {
    return make_error(Errc::kUnsupported,
                      "@@server_id on " + to_string(address_) + " is '" +
                          cell(rows[0], 2) + "', not a 32-bit number");
  }
  info.server_id = static_cast<uint32_t>(*id);
  if (!mariadb && info.at_least(5, 6)) {
    SLUICE_ASSIGN_OR_RETURN(auto uuid, query("SELECT @@server_uuid"));
    if (!uuid.empty()) info.server_uuid = cell(uuid[0], 0);
  }
  info_ = info;
  return info;
}

Result<ServerPosition> ControlConnection::current_position() {
  SLUICE_ASSIGN_OR_RETURN(const ServerInfo info, server_info());
  // MySQL 8.2 renamed SHOW MASTER STATUS and 8.4 removed the old name.
  const char* sql = !info.mariadb() && info.at_least(8, 2)
                        ? "SHOW BINARY LOG STATUS"
                        : "SHOW MASTER STATUS";
  SLUICE_ASSIGN_OR_RETURN(auto rows, query(sql));
  if (rows.empty() || !rows[0][0]) {
    return make_error(Errc::kUnsupported,
                      std::string(sql) + " on " + to_string(address_) +
                          " returned nothing: binary logging is off; start "
                          "the server with log_bin");
  }
  ServerPosition pos;
  pos.file = cell(rows[0], 0);
  const auto offset = parse_u64(cell(rows[0], 1));
  if (!offset) {
    return make_error(Errc::kUnsupported,
                      std::string(sql) + " on " + to_string(address_) +
                          " gave position '" + cell(rows[0], 1) + "'");
  }
  pos.position = *offset;
  if (info.mariadb()) {
    // A reader of this server's binlog resumes from GTIDs in that binlog:
    // BINLOG_GTID_POS(file, pos) is exactly the GTID state at file:pos.
    // @@gtid_current_pos would be wrong here: it also holds gtid_slave_pos,
    // transactions this server applied as a replica that need not be in its
    // binlog (log_slave_updates=OFF), and a dump started from those fails.
    // @@gtid_binlog_pos is the fallback; it may include a transaction
    // committed after SHOW MASTER STATUS.
    SLUICE_ASSIGN_OR_RETURN(
        auto gtid, query("SELECT BINLOG_GTID_POS(" + quote(pos.file) + ", " +
                         std::to_string(pos.position) + ")"));
    if (!gtid.empty() && gtid[0][0]) {
      pos.gtid_set = *gtid[0][0];
    } else {
      SLUICE_ASSIGN_OR_RETURN(auto binlog_pos,
                              query("SELECT @@GLOBAL.gtid_binlog_pos"));
      if (!binlog_pos.empty()) pos.gtid_set = cell(binlog_pos[0], 0);
    }
  } else if (rows[0].size() > 4) {
    // Executed_Gtid_Set, read in the same statement as file:pos (the same
    // value as @@GLOBAL.gtid_executed); MySQL breaks it into lines.
    for (char c : cell(rows[0], 4)) {
      if (c != '\n' && c != '\r') pos.gtid_set.push_back(c);
    }
  } else {
    SLUICE_ASSIGN_OR_RETURN(auto executed,
                            query("SELECT @@GLOBAL.gtid_executed"));
    if (!executed.empty()) pos.gtid_set = cell(executed[0], 0);
  }
  return pos;
}

Result<std::vector<BinlogFileInfo>> ControlConnection::binlogs() {
  auto rows = query("SHOW BINARY LOGS");
  if (!rows) {
    if (mysql_errno(conn_.get()) == kErNoBinaryLogging) {
      return make_error(Errc::kUnsupported,
                        rows.error().message +
                            "; start the server with log_bin to replicate");
    }
    return tl::unexpected(std::move(rows.error()));
  }
  std::vector<BinlogFileInfo> files;
  files.reserve(rows->size());
  for (const auto& row : *rows) {
    const auto size = parse_u64(cell(row, 1));
    if (cell(row, 0).empty() || !size) {
      return make_error(Errc::kUnsupported,
                        "SHOW BINARY LOGS on " + to_string(address_) +
                            " gave an unreadable row ('" + cell(row, 0) +
                            "', '" + cell(row, 1) + "')");
    }
    files.push_back(BinlogFileInfo{cell(row, 0), *size});
  }
  return files;
}

}  // namespace sluice::mysql
