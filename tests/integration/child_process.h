// Child processes for integration tests: the MariaDB server, the sluice
// binary under test, client tools. No shell: argv is passed as is. Test
// code only: failures throw std::runtime_error.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace sluice::testing {

// The absolute path of an executable in PATH or the sbin/bin directories
// (root's PATH has /usr/sbin, a plain user's often does not).
[[nodiscard]] std::optional<std::string> find_program(const std::string& name);

struct SpawnOptions {
  std::string stdout_path;  // appended to; /dev/null when empty
  std::string stderr_path;  // appended to; stdout_path's file when empty
  // "NAME=value" entries that replace or add to the inherited environment.
  std::vector<std::string> env;
  // SIGKILL the child when the calling thread exits, so a crashed test
  // leaves nothing running.
  bool die_with_parent = true;
};

// Starts `args[0]` with `args`, stdin from /dev/null.
[[nodiscard]] pid_t spawn(const std::vector<std::string>& args,
                          const SpawnOptions& options);

// Waits until `pid` exits or `timeout` passes; returns its wait status, or
// nullopt if it is still running.
[[nodiscard]] std::optional<int> wait_for_exit(
    pid_t pid, std::chrono::steady_clock::duration timeout);

// "exit code 1", "signal 9".
[[nodiscard]] std::string describe_status(int status);

// The last `lines` lines of a text file, headed by its name.
[[nodiscard]] std::string file_tail(const std::string& path, size_t lines);

// Everything in a file ("" when it does not exist).
[[nodiscard]] std::string read_file(const std::string& path);

// A running child that is killed (SIGKILL) and reaped when destroyed.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& args,
               const SpawnOptions& options)
      : pid_(spawn(args, options)) {}
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  [[nodiscard]] pid_t pid() const { return pid_; }
  void signal(int sig) const;
  // Its wait status, or nullopt when it is still running after `timeout`.
  [[nodiscard]] std::optional<int> wait(
      std::chrono::steady_clock::duration timeout);
  [[nodiscard]] bool running();

 private:
  pid_t pid_;
  std::optional<int> status_;
};

}  // namespace sluice::testing
