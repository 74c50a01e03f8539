// A password or key that must never reach a log line or an error message:
// no stream operator, no implicit conversion; `reveal()` is the one door,
// used where the secret is put on the wire.
#pragma once

#include <string>
#include <utility>

namespace sluice {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  [[nodiscard]] const std::string& reveal() const { return value_; }
  [[nodiscard]] bool empty() const { return value_.empty(); }
  // What logs show instead.
  [[nodiscard]] static const char* redacted() { return "***"; }

 private:
  std::string value_;
};

}  // namespace sluice
