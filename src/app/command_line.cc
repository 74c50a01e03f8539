#include "app/command_line.h"

#include <cstdio>

namespace sluice::app {

CommandLine::Outcome CommandLine::parse(std::span<const std::string> args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      help_();
      exit_code_ = 0;
      return Outcome::kExit;
    }
    const Flag* flag = nullptr;
    for (const Flag& f : flags_) {
      if (f.name == a) flag = &f;
    }
    if (flag == nullptr) {
      exit_code_ = usage("unknown argument '" + a + "'");
      return Outcome::kExit;
    }
    std::string value;
    if (flag->takes_value) {
      if (i + 1 >= args.size()) {
        exit_code_ = usage(a + " needs a value");
        return Outcome::kExit;
      }
      value = args[++i];
    }
    if (const std::string wrong = flag->on(value); !wrong.empty()) {
      exit_code_ = usage(wrong);
      return Outcome::kExit;
    }
  }
  return Outcome::kRun;
}

int CommandLine::usage(const std::string& message) const {
  std::fprintf(stderr, "%s: %s (see %s --help)\n", command_.c_str(),
               message.c_str(), command_.c_str());
  return 1;
}

}  // namespace sluice::app
