#include "app/output_buffer.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sluice::app {

Status OutputBuffer::flush() {
  size_t done = 0;
  while (done < buf_.size()) {
    const ssize_t n = ::write(fd_, buf_.data() + done, buf_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(Errc::kIo, std::string("cannot write output: ") +
                                       std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  buf_.clear();
  return {};
}

}  // namespace sluice::app
