#include "support/mariadb_binlog_oracle.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

extern char** environ;

namespace sluice::testing {
namespace {

constexpr std::string_view kValuePrefix = "###   @";
constexpr std::string_view kCommentStart = " /* ";
constexpr std::string_view kCommentEnd = " */";

[[noreturn]] void fail_line(size_t line_number, std::string_view line,
                            const std::string& why) {
  constexpr size_t kShown = 200;
  throw std::runtime_error("mariadb-binlog output line " +
                           std::to_string(line_number) + ": " + why + ": " +
                           std::string(line.substr(0, kShown)));
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
         (c >= 'A' && c <= 'F');
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// The bytes of a quoted string's inside, with \xNN turned back into a byte
// where NN is below 0x20 (the only bytes the tool escapes).
std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x' &&
        (s[i + 2] == '0' || s[i + 2] == '1') && is_hex(s[i + 3])) {
      out += static_cast<char>(hex_digit(s[i + 2]) * 16 + hex_digit(s[i + 3]));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Reads a backtick-quoted identifier (embedded backticks doubled, as
// my_vsnprintf's %`s writes them) from the front of `s`.
bool read_identifier(std::string_view& s, std::string& out) {
  if (s.empty() || s.front() != '`') return false;
  out.clear();
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] != '`') {
      out += s[i];
    } else if (i + 1 < s.size() && s[i + 1] == '`') {
      out += '`';
      ++i;
    } else {
      s.remove_prefix(i + 1);
      return true;
    }
  }
  return false;
}

// "`db`.`t`" and an optional " VALUES ()" (an insert with no columns).
void read_table(std::string_view rest, size_t line_number,
                std::string_view line, OracleRow& row) {
  if (!read_identifier(rest, row.schema) || rest.empty() ||
      rest.front() != '.') {
    fail_line(line_number, line, "expected `schema`.`table`");
  }
  rest.remove_prefix(1);
  if (!read_identifier(rest, row.table)) {
    fail_line(line_number, line, "expected `schema`.`table`");
  }
  if (!rest.empty() && rest != " VALUES ()") {
    fail_line(line_number, line, "unexpected text after the table name");
  }
}

OracleColumn read_column(std::string_view line, size_t line_number) {
  std::string_view rest = line.substr(kValuePrefix.size());
  const size_t equals = rest.find('=');
  if (equals == 0 || equals == std::string_view::npos) {
    fail_line(line_number, line, "expected @N=");
  }
  uint32_t number = 0;
  for (const char c : rest.substr(0, equals)) {
    if (c < '0' || c > '9' || number > 100000) {
      fail_line(line_number, line, "bad column number");
    }
    number = number * 10 + static_cast<uint32_t>(c - '0');
  }
  if (number == 0) fail_line(line_number, line, "column number 0");
  rest.remove_prefix(equals + 1);
  // A string may hold " /* " itself; the type comment is the last one.
  const size_t comment = rest.rfind(kCommentStart);
  if (comment == std::string_view::npos || !rest.ends_with(kCommentEnd) ||
      comment + kCommentStart.size() > rest.size() - kCommentEnd.size()) {
    fail_line(line_number, line, "no -vv type comment");
  }
  OracleColumn column;
  column.index = number - 1;
  OracleValue& value = column.value;
  value.comment = std::string(rest.substr(
      comment + kCommentStart.size(),
      rest.size() - kCommentEnd.size() - comment - kCommentStart.size()));
  value.is_null = value.comment.ends_with(" is_null=1");
  std::string_view printed = rest.substr(0, comment);
  const bool quoted =
      printed.size() >= 2 && printed.front() == '\'' && printed.back() == '\'';
  const bool bits = printed.size() >= 3 && printed.starts_with("b'") &&
                    printed.back() == '\'';
  if (!quoted && !bits) {
    // FLOAT is printed with "%-20g", padded with spaces.
    while (!printed.empty() && printed.back() == ' ') printed.remove_suffix(1);
  }
  value.printed = std::string(printed);
  if (value.is_null) {
    if (printed != "NULL")
      fail_line(line_number, line, "is_null=1 but a value");
  } else if (quoted) {
    value.text = unescape(printed.substr(1, printed.size() - 2));
  } else if (bits) {
    value.text = std::string(printed.substr(2, printed.size() - 3));
  } else {
    value.text = value.printed;
  }
  return column;
}

// A file descriptor closed on destruction.
class Fd {
 public:
  Fd() = default;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(-1); }
  [[nodiscard]] int get() const { return fd_; }
  void reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

void make_pipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  }
  read_end.reset(fds[0]);
  write_end.reset(fds[1]);
}

// posix_spawn_file_actions_t with its destroy call.
class FileActions {
 public:
  FileActions() { ::posix_spawn_file_actions_init(&actions_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  ~FileActions() { ::posix_spawn_file_actions_destroy(&actions_); }
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

struct ToolRun {
  int status = 0;
  std::string out;
  std::string err;
};

// Reads both pipes to their end, whichever has data, so that neither fills.
void drain(int out_fd, int err_fd, ToolRun& run) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&run.out, &run.err};
  int open = 2;
  char buffer[65536];
  while (open > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open;
      }
    }
  }
}

// Runs mariadb-binlog -vv with `extra` arguments appended.
// A directory that lives as long as the object (mariadb-binlog writes the
// data of LOAD DATA events into files there instead of /tmp).
class ScratchDir {
 public:
  ScratchDir() {
    char name[] = "/tmp/sluice-oracle-XXXXXX";
    if (::mkdtemp(name) == nullptr)
      throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
    path_ = name;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

ToolRun run_tool(const std::vector<std::string>& extra) {
  const ScratchDir load_dir;
  std::vector<std::string> args = {"mariadb-binlog", "--no-defaults", "-vv",
                                   "--base64-output=DECODE-ROWS",
                                   "--local-load=" + load_dir.path()};
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The caller's environment, with TZ=UTC.
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).starts_with("TZ=")) continue;
    env.emplace_back(*e);
  }
  env.emplace_back("TZ=UTC");
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  Fd out_read, out_write, err_read, err_write;
  make_pipe(out_read, out_write);
  make_pipe(err_read, err_write);
  FileActions actions;
  ::posix_spawn_file_actions_addopen(actions.get(), 0, "/dev/null", O_RDONLY,
                                     0);
  ::posix_spawn_file_actions_adddup2(actions.get(), out_write.get(), 1);
  ::posix_spawn_file_actions_adddup2(actions.get(), err_write.get(), 2);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, argv[0], actions.get(), nullptr,
                                argv.data(), envp.data());
  if (rc == ENOENT) {
    throw std::runtime_error(
        "mariadb-binlog not found: install the Debian package mariadb-client");
  }
  if (rc != 0) {
    throw std::runtime_error(std::string("cannot run mariadb-binlog: ") +
                             std::strerror(rc));
  }
  out_write.reset(-1);
  err_write.reset(-1);
  ToolRun run;
  drain(out_read.get(), err_read.get(), run);
  while (::waitpid(pid, &run.status, 0) < 0) {
    if (errno != EINTR) {
      throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    }
  }
  return run;
}

}  // namespace

std::vector<OracleRow> parse_mariadb_binlog_output(std::string_view output) {
  std::vector<OracleRow> rows;
  std::vector<OracleColumn>* image = nullptr;  // where @N lines go
  size_t line_number = 0;
  size_t start = 0;
  while (start < output.size()) {
    size_t end = output.find('\n', start);
    if (end == std::string_view::npos) end = output.size();
    const std::string_view line = output.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.starts_with("### ")) continue;
    if (line.starts_with(kValuePrefix)) {
      if (image == nullptr) {
        fail_line(line_number, line, "value outside a WHERE/SET image");
      }
      image->push_back(read_column(line, line_number));
      continue;
    }
    const std::string_view rest = line.substr(4);
    if (rest.starts_with("INSERT INTO ") || rest.starts_with("UPDATE ") ||
        rest.starts_with("DELETE FROM ")) {
      OracleRow& row = rows.emplace_back();
      const size_t space = rest.starts_with("UPDATE ") ? 7 : 12;
      row.kind = rest.starts_with("INSERT")   ? OracleRowKind::kInsert
                 : rest.starts_with("UPDATE") ? OracleRowKind::kUpdate
                                              : OracleRowKind::kDelete;
      read_table(rest.substr(space), line_number, line, row);
      image = nullptr;
    } else if (rest == "WHERE" && !rows.empty() &&
               rows.back().kind != OracleRowKind::kInsert) {
      image = &rows.back().before;
    } else if (rest == "SET" && !rows.empty() &&
               rows.back().kind != OracleRowKind::kDelete) {
      image = &rows.back().after;
    } else if (rest == "SET /* no columns */" && !rows.empty()) {
      image = nullptr;
    } else if (!rest.starts_with("Extra row data format:")) {
      fail_line(line_number, line, "unexpected ### line");
    }
  }
  return rows;
}

std::vector<OracleRow> run_mariadb_binlog(const std::string& path) {
  const ToolRun run = run_tool({path});
  if (!WIFEXITED(run.status) || WEXITSTATUS(run.status) != 0) {
    throw std::runtime_error("mariadb-binlog failed on " + path +
                             " (wait status " + std::to_string(run.status) +
                             "): " + run.err);
  }
  return parse_mariadb_binlog_output(run.out);
}

std::vector<OracleRow> run_mariadb_binlog_remote(
    const std::string& host, int port, const std::string& user,
    const std::string& password, const std::vector<std::string>& files) {
  std::vector<std::string> args = {"--read-from-remote-server",
                                   "--host=" + host,
                                   "--port=" + std::to_string(port),
                                   "--user=" + user, "--password=" + password};
  args.insert(args.end(), files.begin(), files.end());
  const ToolRun run = run_tool(args);
  if (!WIFEXITED(run.status) || WEXITSTATUS(run.status) != 0) {
    throw std::runtime_error(
        "mariadb-binlog --read-from-remote-server failed"
        " (wait status " +
        std::to_string(run.status) + "): " + run.err);
  }
  return parse_mariadb_binlog_output(run.out);
}

}  // namespace sluice::testing
