// ControlConnection's checks of a server before replicating from it: binlog
// settings, whether a saved position still exists, replication grants.
// MySQL: "Replication and Binary Logging Options and Variables", "SHOW
// GRANTS"; MariaDB: "Replication and Binary Log System Variables", "BINLOG
// MONITOR".
#include <string>
#include <vector>

#include "mysql/control_connection.h"
#include "mysql/control_text.h"

namespace sluice::mysql {
namespace {

using control_text::cell;
using control_text::parse_u64;

// Splits "mariadb-bin.000012" into its base name and sequence number.
struct BinlogName {
  std::string_view base;
  std::optional<uint64_t> sequence;
};

BinlogName split_binlog_name(std::string_view name) {
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return {name, std::nullopt};
  return {name.substr(0, dot), parse_u64(name.substr(dot + 1))};
}

// The privileges a SHOW GRANTS line gives on *.*, upper-cased; empty for
// lines about databases, tables, proxies or roles.
std::vector<std::string> global_privileges(std::string_view line) {
  std::vector<std::string> out;
  const std::string upper = [&] {
    std::string u(line);
    for (char& c : u) {
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return u;
  }();
  if (!upper.starts_with("GRANT ")) return out;
  const size_t on = upper.find(" ON ");
  if (on == std::string::npos) return out;  // a role grant
  std::string_view object = std::string_view(upper).substr(on + 4);
  object = object.substr(0, object.find(' '));
  if (object != "*.*") return out;
  // Privileges are comma separated; column lists "(a, b)" only occur on
  // table grants but are skipped by depth all the same.
  const std::string_view list = std::string_view(upper).substr(6, on - 6);
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= list.size(); ++i) {
    if (i < list.size() && list[i] == '(') ++depth;
    if (i < list.size() && list[i] == ')') --depth;
    if (i == list.size() || (list[i] == ',' && depth == 0)) {
      const auto p = trim(list.substr(start, i - start));
      if (!p.empty()) out.emplace_back(p);
      start = i + 1;
    }
  }
  return out;
}

// "repl@%" (CURRENT_USER()) as the account literal 'repl'@'%'.
std::string account_literal(std::string_view current_user) {
  const size_t at = current_user.rfind('@');
  if (at == std::string_view::npos) {
    return "'" + std::string(current_user) + "'";
  }
  return "'" + std::string(current_user.substr(0, at)) + "'@'" +
         std::string(current_user.substr(at + 1)) + "'";
}

}  // namespace

Result<std::vector<SettingProblem>> ControlConnection::check_settings() {
  using Severity = SettingProblem::Severity;
  SLUICE_ASSIGN_OR_RETURN(
      auto rows,
      query("SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin', "
            "'binlog_format', 'binlog_row_image', 'binlog_row_metadata', "
            "'server_id')"));
  auto value = [&](std::string_view name) -> std::optional<std::string> {
    for (const auto& row : rows) {
      if (iequals(cell(row, 0), name)) return cell(row, 1);
    }
    return std::nullopt;
  };
  std::vector<SettingProblem> problems;
  auto add = [&](Severity severity, const char* variable, std::string text) {
    problems.push_back(SettingProblem{severity, variable, std::move(text)});
  };

  const auto log_bin = value("log_bin");
  if (!log_bin || !(iequals(*log_bin, "ON") || *log_bin == "1")) {
    add(Severity::kError, "log_bin",
        "log_bin is OFF: the server writes no binlog, so there is nothing to "
        "replicate. Start the server with log_bin (e.g. log-bin=mysql-bin "
        "in its [mysqld] section) and restart it.");
  }
  const std::string format = value("binlog_format").value_or("");
  if (!iequals(format, "ROW")) {
    add(Severity::kError, "binlog_format",
        "binlog_format is " + format +
            ": sluice decodes only row events, so changes logged as "
            "statements would never be published. Set binlog_format=ROW in "
            "the server's configuration and with SET GLOBAL "
            "binlog_format=ROW (sessions already open keep their format "
            "until they reconnect).");
  }
  const std::string image = value("binlog_row_image").value_or("FULL");
  if (!iequals(image, "FULL")) {
    std::string meaning;
    if (iequals(image, "MINIMAL")) {
      meaning =
          "before images carry only the primary key (every column when the "
          "table has none) and after images only the columns the statement "
          "set, so a message's data holds only those columns and old cannot "
          "show the rest, unlike canal on a FULL server";
    } else if (iequals(image, "NOBLOB")) {
      meaning =
          "BLOB and TEXT columns the statement did not change are left out "
          "of row images, so messages lack them";
    } else {
      meaning = "row images may leave columns out, so messages lack them";
    }
    add(Severity::kWarning, "binlog_row_image",
        "binlog_row_image is " + image + ": " + meaning +
            ". Set binlog_row_image=FULL for canal-identical messages.");
  }
  const auto metadata = value("binlog_row_metadata");
  if (!metadata) {
    add(Severity::kInfo, "binlog_row_metadata",
        "this server has no binlog_row_metadata (it came in MySQL 8.0.1 and "
        "MariaDB 10.5): column names, primary keys and ENUM/SET values come "
        "from information_schema, queried once per table and again after "
        "each DDL.");
  } else if (!iequals(*metadata, "FULL")) {
    add(Severity::kInfo, "binlog_row_metadata",
        "binlog_row_metadata is " + *metadata +
            ": the binlog carries no column names, so sluice reads names, "
            "primary keys and ENUM/SET values from information_schema (once "
            "per table and again after DDL), which describes the table as it "
            "is now, not as it was when an old event was written. Set "
            "binlog_row_metadata=FULL so the binlog carries them itself.");
  }
  if (value("server_id").value_or("0") == "0") {
    add(Severity::kError, "server_id",
        "server_id is 0: a server with server_id 0 refuses replicas. Give it "
        "a unique non-zero server_id (server-id=N in its configuration) and "
        "restart it.");
  }
  return problems;
}

Status ControlConnection::check_position_available(std::string_view file,
                                                   uint64_t pos) {
  SLUICE_ASSIGN_OR_RETURN(const auto files, binlogs());
  const std::string server = to_string(address_);
  const std::string wanted(file);
  if (files.empty()) {
    return make_error(Errc::kLostEvents,
                      "binlog file " + wanted + " is not on " + server +
                          ", which lists no binlog files at all");
  }
  for (const auto& f : files) {
    if (f.name != file) continue;
    if (pos > f.size) {
      return make_error(
          Errc::kLostEvents,
          "position " + std::to_string(pos) + " is past the end of " + wanted +
              " on " + server + ", which is " + std::to_string(f.size) +
              " bytes long: the saved position belongs to another server, "
              "or the file lost its end in a crash (sync_binlog != 1). "
              "Restart from a position that exists (" +
              files.back().name +
              " or the current position), accepting "
              "the gap, or re-snapshot the tables");
    }
    return {};
  }
  const std::string& oldest = files.front().name;
  const std::string& newest = files.back().name;
  const std::string restart =
      " To restart, remove sluice's saved checkpoint for this destination and "
      "either start from " +
      oldest +
      ":4 (canal.instance.master.journal.name / "
      "canal.instance.master.position) or from the current position, "
      "accepting that the changes in between are lost to consumers, or "
      "re-snapshot the tables and start from the current position.";
  const BinlogName want = split_binlog_name(file);
  const BinlogName first = split_binlog_name(oldest);
  const BinlogName last = split_binlog_name(newest);
  if (want.base != first.base || !want.sequence || !first.sequence ||
      !last.sequence) {
    return make_error(Errc::kLostEvents,
                      "binlog file " + wanted + " is not on " + server +
                          ", whose binlogs run from " + oldest + " to " +
                          newest +
                          ": was the binlog base name (log_bin) changed, or "
                          "is this a different server?" +
                          restart);
  }
  if (*want.sequence > *last.sequence) {
    return make_error(Errc::kLostEvents,
                      "binlog file " + wanted + " is not on " + server +
                          " and is newer than its newest file " + newest +
                          ": the binlog was reset (RESET MASTER) or this is a "
                          "different server than the position came from." +
                          restart);
  }
  return make_error(Errc::kLostEvents,
                    "binlog file " + wanted + " is gone from " + server +
                        ": it was purged (PURGE BINARY LOGS, "
                        "expire_logs_days or binlog_expire_logs_seconds), so "
                        "the changes it held can no longer be read. The "
                        "oldest file available is " +
                        oldest + "." + restart);
}

Result<std::vector<std::string>>
ControlConnection::missing_replication_grants() {
  SLUICE_ASSIGN_OR_RETURN(const ServerInfo info, server_info());
  SLUICE_ASSIGN_OR_RETURN(auto user_rows, query("SELECT CURRENT_USER()"));
  const std::string account =
      account_literal(user_rows.empty() ? "" : cell(user_rows[0], 0));
  SLUICE_ASSIGN_OR_RETURN(auto grants, query("SHOW GRANTS FOR CURRENT_USER()"));
  bool all = false;
  bool slave = false;
  bool client = false;
  // MariaDB 10.5.2 named the privilege for SHOW MASTER STATUS / SHOW BINARY
  // LOGS BINLOG MONITOR (REPLICATION CLIENT is now its alias); SUPER still
  // allows both there (10.11 says "SUPER, BINLOG MONITOR"), as on MySQL.
  const bool monitor_split = info.mariadb() && info.at_least(10, 5, 2);
  for (const auto& row : grants) {
    // Only the privilege names are read: the lines may hold password hashes.
    for (const auto& p : global_privileges(cell(row, 0))) {
      if (p == "ALL" || p == "ALL PRIVILEGES") all = true;
      if (p == "REPLICATION SLAVE" || p == "REPLICATION REPLICA") slave = true;
      if (p == "REPLICATION CLIENT" || p == "BINLOG MONITOR") client = true;
      if (p == "SUPER") client = true;
    }
  }
  std::vector<std::string> missing;
  if (all) return missing;
  if (!slave) {
    missing.push_back(
        "REPLICATION SLAVE is missing: the server will refuse to stream its "
        "binlog to sluice. Run: GRANT REPLICATION SLAVE ON *.* TO " +
        account + ";");
  }
  if (!client) {
    const std::string name =
        monitor_split ? "BINLOG MONITOR" : "REPLICATION CLIENT";
    missing.push_back(
        name + (monitor_split ? " (REPLICATION CLIENT is its alias)" : "") +
        " is missing: sluice cannot run SHOW MASTER STATUS or SHOW BINARY "
        "LOGS to find the current position and check that a saved one still "
        "exists. Run: GRANT " +
        name + " ON *.* TO " + account + ";");
  }
  return missing;
}

Result<bool> ControlConnection::has_replication_grants() {
  SLUICE_ASSIGN_OR_RETURN(auto missing, missing_replication_grants());
  return missing.empty();
}

}  // namespace sluice::mysql
