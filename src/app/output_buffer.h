// Buffered writes to a file descriptor: one write(2) per ~1 MiB, so printing
// millions of lines costs little more than formatting them.
#pragma once

#include <string>

#include "common/error.h"

namespace sluice::app {

class OutputBuffer {
 public:
  explicit OutputBuffer(int fd) : fd_(fd) {
    buf_.reserve(kFlushAt + 64 * 1024);
  }
  OutputBuffer(const OutputBuffer&) = delete;
  OutputBuffer& operator=(const OutputBuffer&) = delete;

  // The string to append to; call maybe_flush() after each complete line.
  [[nodiscard]] std::string& buffer() { return buf_; }
  [[nodiscard]] Status maybe_flush() {
    return buf_.size() >= kFlushAt ? flush() : Status{};
  }
  [[nodiscard]] Status flush();

 private:
  static constexpr size_t kFlushAt = 1 << 20;
  int fd_;
  std::string buf_;
};

}  // namespace sluice::app
