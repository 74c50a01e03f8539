// The control connection (DESIGN.md §1): an ordinary SQL client session
// through libmariadb (Connector/C, <mysql.h>) beside the replication stream,
// for server checks (version, binlog settings, grants), the binlog position
// and file list, and the information_schema queries of the schema cache.
// MySQL: "SHOW BINARY LOGS", "SHOW MASTER STATUS" / "SHOW BINARY LOG STATUS"
// (8.2+), "SHOW GRANTS"; MariaDB: "SHOW BINARY LOGS", BINLOG_GTID_POS(),
// gtid_binlog_pos, BINLOG MONITOR (10.5.2+).
//
// One ControlConnection is used by one thread at a time. It never logs, and
// the password never appears in an error message.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/secret.h"

struct st_mysql;  // MYSQL from libmariadb's <mysql.h>

namespace sluice::mysql {

struct ServerAddress {
  std::string host;
  uint16_t port = 3306;
};

// "host:port", with IPv6 literals in brackets.
[[nodiscard]] std::string to_string(const ServerAddress& address);

struct ControlTlsOptions {
  bool enabled = false;  // when on, a server without TLS is refused
  std::string ca_file;   // PEM bundle; empty = the client library's default
  bool verify_server_cert = true;  // check the certificate chain and host name
};

struct ControlConnectionOptions {
  std::string user;
  Secret password;  // never logged, never put in a message
  unsigned connect_timeout_s = 5;
  unsigned read_timeout_s = 10;
  unsigned write_timeout_s = 10;
  ControlTlsOptions tls;
};

enum class Flavor : uint8_t { kMySql, kMariaDb };

struct ServerInfo {
  Flavor flavor = Flavor::kMySql;
  std::string version;  // VERSION(), e.g. "10.11.6-MariaDB-0+deb12u1-log"
  std::string version_comment;  // @@version_comment
  unsigned major = 0;
  unsigned minor = 0;
  unsigned patch = 0;
  uint32_t server_id = 0;
  std::string server_uuid;  // MySQL only (@@server_uuid); empty on MariaDB

  [[nodiscard]] bool mariadb() const { return flavor == Flavor::kMariaDb; }
  // True when the server's version is at least major.minor.patch.
  [[nodiscard]] bool at_least(unsigned mj, unsigned mn, unsigned pt = 0) const;
};

// Where the server's binlog currently ends.
struct ServerPosition {
  std::string file;
  uint64_t position = 0;
  // MySQL: the executed GTID set ("uuid:1-5,uuid2:1-3"), empty when GTIDs
  // are off. MariaDB: the GTID position matching file:position ("0-1-9,...").
  std::string gtid_set;
};

struct BinlogFileInfo {
  std::string name;
  uint64_t size = 0;
};

// One finding of check_settings(): a sentence naming the setting, what it
// means for sluice's output and how to fix it.
struct SettingProblem {
  enum class Severity : uint8_t {
    kError,    // sluice cannot work this way
    kWarning,  // sluice works but its output differs from canal's on FULL
    kInfo,     // works; costs something (e.g. information_schema queries)
  };
  Severity severity = Severity::kError;
  std::string variable;  // "binlog_format", ...
  std::string message;
};

class ControlConnection {
 public:
  using Row = std::vector<std::optional<std::string>>;  // nullopt = SQL NULL

  // Connects over TCP (also for "localhost") with utf8mb4. Errors carry the
  // server's error number and text and a hint: access denied, and TLS
  // required but not possible -> kRefused; cannot reach host:port within
  // the connect timeout, or any other refusal -> kIo.
  [[nodiscard]] static Result<ControlConnection> connect(
      const ServerAddress& address, const ControlConnectionOptions& options);

  ControlConnection(ControlConnection&&) noexcept = default;
  ControlConnection& operator=(ControlConnection&&) noexcept = default;
  ~ControlConnection();

  // Runs one statement and returns its result set as text (empty for a
  // statement without one). Errors quote the server's error and the SQL:
  // kIo when the connection broke (it does not reconnect: connect again),
  // kRefused for a missing privilege, kUnsupported for other server errors.
  [[nodiscard]] Result<std::vector<Row>> query(std::string_view sql);

  // `text` as a quoted SQL string literal for this connection's charset and
  // sql_mode (mysql_real_escape_string), e.g. 'it''s' or 'it\'s'.
  [[nodiscard]] std::string quote(std::string_view text) const;

  // Flavour, version, server_id and (MySQL) server_uuid. Queried once, then
  // remembered for the life of the connection.
  [[nodiscard]] Result<ServerInfo> server_info();

  // The binlog's current end and the matching GTID position.
  [[nodiscard]] Result<ServerPosition> current_position();

  // Binlog settings that stop sluice or change its output; empty when all is
  // well. Errors only when the server cannot be asked.
  [[nodiscard]] Result<std::vector<SettingProblem>> check_settings();

  // SHOW BINARY LOGS, oldest first.
  [[nodiscard]] Result<std::vector<BinlogFileInfo>> binlogs();

  // Ok when file:pos can still be read from the server. A file that is gone
  // (purged, or the binlog was reset) and a position past the file's end are
  // kLostEvents errors saying what is left and how to restart.
  [[nodiscard]] Status check_position_available(std::string_view file,
                                                uint64_t pos);

  // The replication privileges the current user lacks, as the sentences an
  // operator needs ("REPLICATION SLAVE is missing: ... GRANT ..."); empty
  // when it has them all. Reads SHOW GRANTS FOR CURRENT_USER(); privileges
  // that reach the user only through a role are not seen.
  [[nodiscard]] Result<std::vector<std::string>> missing_replication_grants();

  // True when missing_replication_grants() finds nothing.
  [[nodiscard]] Result<bool> has_replication_grants();

  [[nodiscard]] const ServerAddress& address() const { return address_; }

 private:
  struct Closer {
    void operator()(st_mysql* conn) const;
  };

  ControlConnection(std::unique_ptr<st_mysql, Closer> conn,
                    ServerAddress address, Secret password);

  // The error of the last call on the handle, quoting `sql` when given.
  [[nodiscard]] Error last_error(std::string_view sql) const;

  std::unique_ptr<st_mysql, Closer> conn_;
  ServerAddress address_;
  Secret password_;  // only to scrub it from server messages
  std::optional<ServerInfo> info_;
};

}  // namespace sluice::mysql
