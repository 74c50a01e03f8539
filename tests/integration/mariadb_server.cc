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

// The absolute path of an executable in PATH or the sbin/bin directories
// (root's PATH has /usr/sbin, a plain user's often does not).
std::optional<std::string> find_program(const std::string& name) {
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("PATH")) {
    std::stringstream ss(path);
    for (std::string d; std::getline(ss, d, ':');) {
      if (!d.empty()) dirs.push_back(d);
    }
  }
  for (const char* d : {"/usr/sbin", "/usr/bin", "/usr/local/sbin",
                        "/usr/local/bin", "/sbin", "/bin"}) {
    dirs.emplace_back(d);
  }
  for (const auto& d : dirs) {
    std::string candidate = d + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

// Starts `args[0]` with `args` (no shell), stdin from /dev/null and stdout +
// stderr appended to `log_path`, and TMPDIR set to `tmp_dir`: servers
// bootstrapped at the same time in one temporary directory clash on their
// temporary table files. With `die_with_parent` the child gets SIGKILL when
// the calling thread exits.
pid_t spawn(const std::vector<std::string>& args, const std::string& log_path,
            const std::string& tmp_dir, bool die_with_parent) {
  // Everything the child needs is prepared before fork: after fork it may only
  // make async-signal-safe calls.
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = {"TMPDIR=" + tmp_dir};
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).starts_with("TMPDIR=")) continue;
    env_strings.emplace_back(*e);
  }
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) fail(errno_text("fork"));
  if (pid == 0) {
    if (die_with_parent) {
      if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent) {
        ::_exit(126);
      }
    }
    const int in = ::open("/dev/null", O_RDONLY);
    const int out =
        ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (in < 0 || out < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 ||
        ::dup2(out, 2) < 0) {
      ::_exit(126);
    }
    ::close_range(3, ~0U, 0);  // no test sockets or files leak into the child
    ::execve(argv[0], argv.data(), envp.data());
    static constexpr char kMsg[] = "exec failed\n";
    [[maybe_unused]] auto n = ::write(2, kMsg, sizeof kMsg - 1);
    ::_exit(127);
  }
  return pid;
}

// Waits until `pid` exits or `timeout` passes; returns its wait status, or
// nullopt if it is still running.
std::optional<int> wait_for_exit(pid_t pid, Clock::duration timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) return 0;  // not our child any more
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(50ms);
  }
}

std::string describe_status(int status) {
  if (WIFEXITED(status))
    return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
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

std::string file_tail(const std::string& path, size_t lines) {
  std::ifstream in(path);
  if (!in) return "(" + path + " does not exist)";
  std::deque<std::string> tail;
  for (std::string line; std::getline(in, line);) {
    tail.push_back(std::move(line));
    if (tail.size() > lines) tail.pop_front();
  }
  std::string out = "--- last lines of " + path + ":\n";
  for (const auto& l : tail) out += l + "\n";
  return out;
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
  const pid_t install_pid = spawn(
      {*install_db, "--no-defaults", "--auth-root-authentication-method=normal",
       "--datadir=" + data_dir, "--skip-test-db"},
      install_log, tmp_dir, /*die_with_parent=*/true);
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
    pid_ =
        spawn(args, dir_ + "/mariadbd.out", tmp_dir, /*die_with_parent=*/true);

    const auto deadline = Clock::now() + kStartTimeout;
    std::optional<int> exit_status;
    std::string connect_error;
    while (Clock::now() < deadline) {
      conn_ = try_connect(socket_path(), connect_error);
      if (conn_ != nullptr) return;
      exit_status = wait_for_exit(pid_, 0s);
      if (exit_status) break;
      std::this_thread::sleep_for(100ms);
    }
    if (!exit_status) {
      fail("mariadbd did not accept connections on " + socket_path() +
           " within 30 s (last error: " + connect_error + ")\n" +
           err_log_tail());
    }
    pid_ = -1;
    if (attempt < kStartAttempts &&
        file_contains(err_log, "Address already in use")) {
      continue;  // the port was taken after we picked it
    }
    fail("mariadbd exited during start-up (" + describe_status(*exit_status) +
         ")\n" + err_log_tail());
  }
}

void MariaDbServer::stop() noexcept {
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
