#include "integration/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <thread>

namespace sluice::testing {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

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

pid_t spawn(const std::vector<std::string>& args, const SpawnOptions& options) {
  // Everything the child needs is prepared before fork: after fork it may only
  // make async-signal-safe calls.
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = options.env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const std::string_view name = entry.substr(0, entry.find('=') + 1);
    const bool replaced = std::any_of(
        options.env.begin(), options.env.end(),
        [name](const std::string& o) { return o.starts_with(name); });
    if (!replaced) env_strings.emplace_back(entry);
  }
  const std::string out_path =
      options.stdout_path.empty() ? "/dev/null" : options.stdout_path;
  const std::string err_path =
      options.stderr_path.empty() ? out_path : options.stderr_path;
  const bool die_with_parent = options.die_with_parent;
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) {
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    if (die_with_parent) {
      if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent) {
        ::_exit(126);
      }
    }
    const int in = ::open("/dev/null", O_RDONLY);
    const int out =
        ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    const int err =
        ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (in < 0 || out < 0 || err < 0 || ::dup2(in, 0) < 0 ||
        ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) {
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

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ChildProcess::~ChildProcess() {
  if (!status_) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

void ChildProcess::signal(int sig) const {
  if (!status_) ::kill(pid_, sig);
}

std::optional<int> ChildProcess::wait(Clock::duration timeout) {
  if (!status_) status_ = wait_for_exit(pid_, timeout);
  return status_;
}

bool ChildProcess::running() { return !wait(0s).has_value(); }

}  // namespace sluice::testing
