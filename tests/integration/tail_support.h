// Shared pieces of the `sluice tail` integration tests: a MariaDB server with
// a replication user and test.commission, the sluice binary run as a child
// process, and the replay of its output into a table model.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "integration/child_process.h"
#include "integration/mariadb_server.h"
#include "support/flat_json.h"

namespace sluice::testing {

inline constexpr const char* kReplUser = "repl";
inline constexpr const char* kReplPassword = "repl-Secret-42";

// A server with user repl (REPLICATION SLAVE, REPLICATION CLIENT, SELECT) and
// an empty test.commission (id BIGINT PK, user_id INT, biz_type VARCHAR,
// amount DECIMAL(18,2), note VARCHAR NULL, created DATETIME(3)).
std::unique_ptr<MariaDbServer> start_commission_server(
    std::vector<std::string> extra_options = {});

// "file", position of the server's binlog end.
std::pair<std::string, uint64_t> binlog_end(MariaDbServer& server);

// Binlog file names (not paths) from `first` on, after FLUSH BINARY LOGS.
std::vector<std::string> binlog_names_from(MariaDbServer& server,
                                           const std::string& first);

// Paths of the binlog files from `first` (a name) on, after FLUSH BINARY
// LOGS.
std::vector<std::string> binlog_paths_from(MariaDbServer& server,
                                           const std::string& first);

// The sluice binary as a child process (`args` after the binary's path),
// stdout and stderr into files in a fresh directory, TZ=UTC plus `env`;
// killed when destroyed.
class SluiceProcess {
 public:
  SluiceProcess(const std::vector<std::string>& args,
                const std::vector<std::string>& env);
  // Kills the process and removes its directory (unless
  // SLUICE_KEEP_MARIADB_DIR is set, as for the server's).
  ~SluiceProcess();
  SluiceProcess(const SluiceProcess&) = delete;
  SluiceProcess& operator=(const SluiceProcess&) = delete;

  // Waits until stdout holds at least `lines` lines; false on timeout or
  // when the process exited first.
  bool wait_for_lines(size_t lines, std::chrono::seconds timeout);
  size_t line_count() const;
  // Waits until stderr contains `text` `times` times; false on timeout or
  // exit.
  bool wait_for_err(const std::string& text, std::chrono::seconds timeout,
                    size_t times = 1);
  std::string out() const { return read_file(out_path_); }
  std::string err() const { return read_file(err_path_); }
  // SIGTERM, then the exit status (nullopt if it did not exit in time).
  std::optional<int> stop(std::chrono::seconds timeout);
  std::optional<int> wait(std::chrono::seconds timeout) {
    return child_->wait(timeout);
  }
  void signal(int sig) { child_->signal(sig); }
  [[nodiscard]] pid_t pid() const { return child_->pid(); }
  // The directory holding its output files (free for the test's own).
  [[nodiscard]] const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::string out_path_;
  std::string err_path_;
  std::unique_ptr<ChildProcess> child_;
};

// `sluice tail --progress 1` against `server` as repl, plus `extra_args`.
class TailProcess : public SluiceProcess {
 public:
  TailProcess(MariaDbServer& server, std::vector<std::string> extra_args,
              std::string password = kReplPassword);
};

// Runs `sluice decode` on binlog files (paths) and returns its stdout.
std::string sluice_decode(const std::vector<std::string>& paths);

// Applies flat messages of test.commission to a model keyed by id.
using CommissionModel = std::map<std::string, FlatRow>;
void replay(const std::vector<FlatLine>& lines, CommissionModel& model);

// SELECT of test.commission as the same model (values as MariaDB prints
// them, which for these types is canal's text).
CommissionModel select_commission(MariaDbServer& server);

// The exit code of a wait status, or -1 when it did not exit normally.
int exit_code(const std::optional<int>& status);

// The server's binlog dump threads, killed (as KILL <id> would).
int kill_dump_threads(MariaDbServer& server);

}  // namespace sluice::testing
