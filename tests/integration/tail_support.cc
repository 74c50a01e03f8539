#include "integration/tail_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace sluice::testing {

std::unique_ptr<MariaDbServer> start_commission_server(
    std::vector<std::string> extra_options) {
  auto server = std::make_unique<MariaDbServer>(std::move(extra_options));
  server->execute(
      std::string("CREATE USER repl@'127.0.0.1' IDENTIFIED BY '") +
      kReplPassword +
      "'; GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO "
      "repl@'127.0.0.1'; CREATE DATABASE test; "
      "CREATE TABLE test.commission (id BIGINT PRIMARY KEY, user_id INT NOT "
      "NULL, biz_type VARCHAR(16) NOT NULL, amount DECIMAL(18,2) NOT NULL, "
      "note VARCHAR(64) NULL, created DATETIME(3) NOT NULL)");
  return server;
}

std::pair<std::string, uint64_t> binlog_end(MariaDbServer& server) {
  const auto rows = server.query("SHOW MASTER STATUS");
  if (rows.empty() || rows[0].size() < 2 || !rows[0][0] || !rows[0][1])
    throw std::runtime_error("SHOW MASTER STATUS returned nothing");
  return {*rows[0][0], std::stoull(*rows[0][1])};
}

std::vector<std::string> binlog_names_from(MariaDbServer& server,
                                           const std::string& first) {
  std::vector<std::string> names;
  for (const std::string& path : server.binlog_files()) {
    const std::string name = std::filesystem::path(path).filename().string();
    if (name >= first) names.push_back(name);
  }
  return names;
}

std::vector<std::string> binlog_paths_from(MariaDbServer& server,
                                           const std::string& first) {
  std::vector<std::string> paths;
  for (const std::string& p : server.binlog_files()) {
    if (std::filesystem::path(p).filename().string() >= first)
      paths.push_back(p);
  }
  return paths;
}

SluiceProcess::SluiceProcess(const std::vector<std::string>& args,
                             const std::vector<std::string>& env) {
  char dir_template[] = "/tmp/sluice-proc-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr)
    throw std::runtime_error("mkdtemp failed");
  dir_ = dir_template;
  out_path_ = dir_ + "/out.jsonl";
  err_path_ = dir_ + "/err.log";
  std::vector<std::string> argv = {SLUICE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> environment = {"TZ=UTC"};
  environment.insert(environment.end(), env.begin(), env.end());
  child_ = std::make_unique<ChildProcess>(
      argv, SpawnOptions{.stdout_path = out_path_,
                         .stderr_path = err_path_,
                         .env = environment,
                         .die_with_parent = true});
}

SluiceProcess::~SluiceProcess() {
  child_.reset();
  if (std::getenv("SLUICE_KEEP_MARIADB_DIR") == nullptr) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

size_t SluiceProcess::line_count() const {
  const std::string text = read_file(out_path_);
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

bool SluiceProcess::wait_for_lines(size_t lines, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (line_count() >= lines) return true;
    if (!child_->running()) return line_count() >= lines;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

bool SluiceProcess::wait_for_err(const std::string& text,
                                 std::chrono::seconds timeout, size_t times) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string e = err();
    size_t n = 0;
    for (size_t at = 0; (at = e.find(text, at)) != std::string::npos; ++at) ++n;
    if (n >= times) return true;
    if (!child_->running()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::optional<int> SluiceProcess::stop(std::chrono::seconds timeout) {
  child_->signal(SIGTERM);
  return child_->wait(timeout);
}

TailProcess::TailProcess(MariaDbServer& server,
                         std::vector<std::string> extra_args,
                         std::string password)
    : SluiceProcess(
          [&] {
            std::vector<std::string> args = {
                "tail",
                "--master",
                "127.0.0.1:" + std::to_string(server.port()),
                "--user",
                kReplUser,
                "--progress",
                "1"};
            args.insert(args.end(), extra_args.begin(), extra_args.end());
            return args;
          }(),
          {"SLUICE_PASSWORD=" + password}) {}

std::string sluice_decode(const std::vector<std::string>& paths) {
  char path_template[] = "/tmp/sluice-decode-XXXXXX";
  const int fd = ::mkstemp(path_template);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  ::close(fd);
  std::vector<std::string> args = {SLUICE_BINARY, "decode"};
  args.insert(args.end(), paths.begin(), paths.end());
  ChildProcess child(args, {.stdout_path = path_template,
                            .stderr_path = "",
                            .env = {"TZ=UTC"},
                            .die_with_parent = true});
  const auto status = child.wait(std::chrono::seconds(120));
  std::string out = read_file(path_template);
  std::filesystem::remove(path_template);
  if (exit_code(status) != 0)
    throw std::runtime_error("sluice decode failed: " + out.substr(0, 2000));
  return out;
}

void replay(const std::vector<FlatLine>& lines, CommissionModel& model) {
  for (const FlatLine& l : lines) {
    if (l.database != "test" || l.table != "commission" || l.is_ddl) continue;
    for (const FlatRow& row : l.data) {
      const auto id = row.find("id");
      if (id == row.end() || !id->second)
        throw std::runtime_error("row without id in " + l.type);
      if (l.type == "DELETE") {
        if (model.erase(*id->second) != 1)
          throw std::runtime_error("DELETE of absent id " + *id->second);
      } else if (l.type == "INSERT") {
        if (!model.emplace(*id->second, row).second)
          throw std::runtime_error("duplicate INSERT of id " + *id->second);
      } else if (l.type == "UPDATE") {
        auto it = model.find(*id->second);
        if (it == model.end())
          throw std::runtime_error("UPDATE of absent id " + *id->second);
        it->second = row;
      }
    }
  }
}

CommissionModel select_commission(MariaDbServer& server) {
  static const char* kColumns[] = {"id",     "user_id", "biz_type",
                                   "amount", "note",    "created"};
  CommissionModel model;
  for (auto& row :
       server.query("SELECT id, user_id, biz_type, amount, note, created FROM "
                    "test.commission")) {
    FlatRow r;
    for (size_t i = 0; i < row.size(); ++i) r[kColumns[i]] = row[i];
    model.emplace(*row[0], std::move(r));
  }
  return model;
}

int exit_code(const std::optional<int>& status) {
  if (!status || !WIFEXITED(*status)) return -1;
  return WEXITSTATUS(*status);
}

int kill_dump_threads(MariaDbServer& server) {
  int killed = 0;
  for (const auto& row : server.query(
           "SELECT id FROM information_schema.processlist WHERE command LIKE "
           "'Binlog Dump%'")) {
    server.execute("KILL " + *row[0]);
    ++killed;
  }
  return killed;
}

}  // namespace sluice::testing
