// The flags of a subcommand (`sluice run`, `check`, `consume`): each flag
// declared once with what it does, parsed in one loop that handles --help
// and reports a bad or missing argument the same way for every command.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace sluice::app {

class CommandLine {
 public:
  // `command` names the subcommand in messages ("sluice run"); `help`
  // prints its --help text to stdout.
  CommandLine(std::string command, std::function<void()> help)
      : command_(std::move(command)), help_(std::move(help)) {}

  // A flag without a value.
  void flag(std::string name, std::function<void()> on) {
    flags_.push_back({std::move(name), false, [on](const std::string&) {
                        on();
                        return std::string();
                      }});
  }
  // A flag followed by a value; `on` returns "" or what is wrong with it.
  void value(std::string name,
             std::function<std::string(const std::string&)> on) {
    flags_.push_back({std::move(name), true, std::move(on)});
  }
  // A flag whose value is stored in `target` as given (borrowed: it must
  // outlive parse()).
  void text(std::string name, std::string& target) {
    value(std::move(name), [&target](const std::string& v) {
      target = v;
      return std::string();
    });
  }

  // What parse() found: go on, or exit with exit_code().
  enum class Outcome { kRun, kExit };
  // Applies every argument. --help/-h prints the help (exit 0); an unknown
  // flag, a missing value or a value `on` refuses prints one line naming
  // it (exit 1).
  [[nodiscard]] Outcome parse(std::span<const std::string> args);
  [[nodiscard]] int exit_code() const { return exit_code_; }

  // Prints "<command>: <message> (see <command> --help)" to stderr;
  // returns 1, the exit code of a usage error.
  int usage(const std::string& message) const;

 private:
  struct Flag {
    std::string name;
    bool takes_value;
    std::function<std::string(const std::string&)> on;
  };
  std::string command_;
  std::function<void()> help_;
  std::vector<Flag> flags_;
  int exit_code_ = 0;
};

}  // namespace sluice::app
