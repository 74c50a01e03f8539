// The wall clock in milliseconds since the Unix epoch: message timestamps
// (canal's "ts"), checkpoint times and lag.
#pragma once

#include <chrono>
#include <cstdint>

namespace sluice {

[[nodiscard]] inline int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace sluice
