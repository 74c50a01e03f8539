#include "integration/mariadb_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <mysql.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "integration/child_process.h"

namespace sluice::testing {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kStartTimeout = 30s;
constexpr auto kInstallTimeout = 120s;
constexpr auto kStopTimeout = 10s;
constexpr int kStartAttempts = 3;  // a new port each time the port was taken
constexpr size_t kMaxSqlInMessage = 2000;

[[noreturn]] void fail(const std::string& message) {
  throw std::runtime_error("MariaDbServer: " + message);
}

std::string errno_text(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// A TCP port on 127.0.0.1 that nothing is bound to right now.
int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail(errno_text("socket"));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const std::string message = errno_text("bind 127.0.0.1:0");
    ::close(fd);
    fail(message);
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool file_contains(const std::string& path, const std::string& needle) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str().find(needle) != std::string::npos;
}

std::string sql_for_message(std::string_view sql) {
  if (sql.size() <= kMaxSqlInMessage) return std::string(sql);
  return std::string(sql.substr(0, kMaxSqlInMessage)) + "... (" +
         std::to_string(sql.size()) + " bytes)";
}

[[noreturn]] void fail_sql(MYSQL* conn, std::string_view sql) {
  fail("MariaDB error " + std::to_string(mysql_errno(conn)) + " (" +
       mysql_sqlstate(conn) + "): " + mysql_error(conn) +
       "\n  in SQL: " + sql_for_message(sql));
}

// Opens a root connection over the unix socket; nullptr if the server does
// not accept it (yet), with the client's reason in `error`.
MYSQL* try_connect(const std::string& socket, std::string& error) {
  static std::once_flag library_init;
  std::call_once(library_init, [] { mysql_library_init(0, nullptr, nullptr); });
  MYSQL* conn = mysql_init(nullptr);
  if (conn == nullptr) fail("mysql_init: out of memory");
  unsigned int timeout_s = 5;
  mysql_options(conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout_s);
  mysql_options(conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (mysql_real_connect(conn, nullptr, "root", nullptr, nullptr, 0,
                         socket.c_str(), CLIENT_MULTI_STATEMENTS) == nullptr) {
    error = mysql_error(conn);
    mysql_close(conn);
    return nullptr;
  }
  return conn;
}

// Reads the current result set into `rows` (when not null), then moves to the
// next one. Returns false after the last result set.
bool consume_result(MYSQL* conn, std::string_view sql,
                    std::vector<MariaDbServer::Row>* rows) {
  MYSQL_RES* res = mysql_store_result(conn);
  if (res == nullptr) {
    if (mysql_field_count(conn) != 0) fail_sql(conn, sql);
  } else {
    if (rows != nullptr) {
      const unsigned int fields = mysql_num_fields(res);
      while (MYSQL_ROW row = mysql_fetch_row(res)) {
        const unsigned long* lengths = mysql_fetch_lengths(res);
        MariaDbServer::Row out;
        out.reserve(fields);
        for (unsigned int i = 0; i < fields; ++i) {
          if (row[i] == nullptr) {
            out.emplace_back(std::nullopt);
          } else {
            out.emplace_back(std::in_place, row[i], lengths[i]);
          }
        }
        rows->push_back(std::move(out));
      }
    }
    mysql_free_result(res);
  }
  const int next = mysql_next_result(conn);
  if (next > 0) fail_sql(conn, sql);
  return next == 0;
}

}  // namespace

MariaDbServer::MariaDbServer(std::vector<std::string> extra_options) {
  try {
    start(extra_options);
  } catch (...) {
    stop();
    throw;
  }
}

MariaDbServer::~MariaDbServer() { stop(); }

void MariaDbServer::start(const std::vector<std::string>& extra_options) {
  const auto install_db = find_program("mariadb-install-db");
  const auto mariadbd = find_program("mariadbd");
  if (!install_db || !mariadbd) {
    fail(std::string(!mariadbd ? "mariadbd" : "mariadb-install-db") +
         " not found in PATH or /usr/sbin: install the Debian package "
         "mariadb-server (apt-get install mariadb-server)");
  }

  char dir_template[] = "/tmp/sluice-mariadb-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) {
    fail(errno_text("mkdtemp /tmp/sluice-mariadb-XXXXXX"));
  }
  dir_ = dir_template;
  const std::string data_dir = dir_ + "/data";
  const std::string err_log = dir_ + "/err.log";

  const std::string install_log = dir_ + "/install.log";
  const std::string tmp_dir = dir_ + "/tmp";
  std::filesystem::create_directory(tmp_dir);
  // Each server gets its own TMPDIR: servers bootstrapped at the same time
  // in one temporary directory clash on their temporary table files.
  const SpawnOptions install_options{.stdout_path = install_log,
                                     .stderr_path = "",
                                     .env = {"TMPDIR=" + tmp_dir},
                                     .die_with_parent = true};
  const pid_t install_pid = spawn(
      {*install_db, "--no-defaults", "--auth-root-authentication-method=normal",
       "--datadir=" + data_dir, "--skip-test-db"},
      install_options);
  const auto install_status = wait_for_exit(install_pid, kInstallTimeout);
  if (!install_status) {
    ::kill(install_pid, SIGKILL);
    ::waitpid(install_pid, nullptr, 0);
    fail("mariadb-install-db did not finish within 120 s\n" +
         file_tail(install_log, 25));
  }
  if (!WIFEXITED(*install_status) || WEXITSTATUS(*install_status) != 0) {
    fail("mariadb-install-db failed (" + describe_status(*install_status) +
         ")\n" + file_tail(install_log, 25));
  }

  for (int attempt = 1; attempt <= kStartAttempts; ++attempt) {
    port_ = free_loopback_port();
    std::filesystem::remove(err_log);
    std::vector<std::string> args = {
        *mariadbd,
        "--no-defaults",
        "--datadir=" + data_dir,
        "--socket=" + socket_path(),
        "--port=" + std::to_string(port_),
        "--bind-address=127.0.0.1",
        "--pid-file=" + dir_ + "/pid",
        "--log-bin=" + data_dir + "/mariadb-bin",
        "--server-id=1",
        "--binlog-format=ROW",
        "--binlog-row-metadata=FULL",
        "--user=root",
        "--log-error=" + err_log,
        "--tmpdir=" + tmp_dir,
    };
    args.insert(args.end(), extra_options.begin(), extra_options.end());
    mariadbd_args_ = args;
    if (launch()) return;
    if (attempt < kStartAttempts &&
        file_contains(err_log, "Address already in use")) {
      continue;  // the port was taken after we picked it
    }
    fail("mariadbd exited during start-up\n" + err_log_tail());
  }
}

bool MariaDbServer::launch() {
  const std::string tmp_dir = dir_ + "/tmp";
  pid_ = spawn(mariadbd_args_, {.stdout_path = dir_ + "/mariadbd.out",
                                .stderr_path = "",
                                .env = {"TMPDIR=" + tmp_dir},
                                .die_with_parent = true});
  const auto deadline = Clock::now() + kStartTimeout;
  std::optional<int> exit_status;
  std::string connect_error;
  while (Clock::now() < deadline) {
    conn_ = try_connect(socket_path(), connect_error);
    if (conn_ != nullptr) return true;
    exit_status = wait_for_exit(pid_, 0s);
    if (exit_status) break;
    std::this_thread::sleep_for(100ms);
  }
  if (!exit_status) {
    fail("mariadbd did not accept connections on " + socket_path() +
         " within 30 s (last error: " + connect_error + ")\n" + err_log_tail());
  }
  pid_ = -1;
  std::cerr << "MariaDbServer: mariadbd exited during start-up ("
            << describe_status(*exit_status) << ")\n";
  return false;
}

void MariaDbServer::shutdown() noexcept {
  bool shutdown_sent = false;
  if (conn_ != nullptr) {
    if (pid_ > 0) shutdown_sent = mysql_query(conn_, "SHUTDOWN") == 0;
    mysql_close(conn_);
    conn_ = nullptr;
  }
  if (pid_ > 0) {
    if (!shutdown_sent) ::kill(pid_, SIGTERM);
    if (!wait_for_exit(pid_, kStopTimeout)) {
      std::cerr << "MariaDbServer: mariadbd (pid " << pid_
                << ") ignored shutdown for 10 s; killing it\n";
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
  }
}

void MariaDbServer::restart() {
  shutdown();
  if (!launch()) fail("mariadbd did not start again\n" + err_log_tail());
}

void MariaDbServer::stop() noexcept {
  shutdown();
  if (!dir_.empty()) {
    if (std::getenv("SLUICE_KEEP_MARIADB_DIR") != nullptr) {
      std::cerr << "MariaDbServer: keeping " << dir_ << "\n";
    } else {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
    dir_.clear();
  }
}

std::string MariaDbServer::err_log_tail() const {
  return file_tail(dir_ + "/err.log", 25);
}

void MariaDbServer::execute(std::string_view sql) {
  if (mysql_real_query(conn_, sql.data(), sql.size()) != 0) {
    fail_sql(conn_, sql);
  }
  while (consume_result(conn_, sql, nullptr)) {
  }
}

std::vector<MariaDbServer::Row> MariaDbServer::query(std::string_view sql) {
  if (mysql_real_query(conn_, sql.data(), sql.size()) != 0) {
    fail_sql(conn_, sql);
  }
  std::vector<Row> rows;
  bool more = consume_result(conn_, sql, &rows);
  while (more) more = consume_result(conn_, sql, nullptr);
  return rows;
}

std::vector<std::string> MariaDbServer::binlog_files() {
  execute("FLUSH BINARY LOGS");
  const auto base = query("SELECT @@log_bin_basename");
  if (base.empty() || base[0].empty() || !base[0][0]) {
    fail("binary logging is off (@@log_bin_basename is NULL)");
  }
  const std::string binlog_dir =
      std::filesystem::path(*base[0][0]).parent_path().string();
  std::vector<std::string> files;
  for (const auto& row : query("SHOW BINARY LOGS")) {
    if (!row.empty() && row[0]) files.push_back(binlog_dir + "/" + *row[0]);
  }
  return files;
}

}  // namespace sluice::testing
