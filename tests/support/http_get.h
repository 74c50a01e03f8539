// A plain HTTP/1.0 GET to 127.0.0.1, for tests of sluice's HTTP endpoints.
#pragma once

#include <cstdint>
#include <string>

namespace sluice::test {

struct HttpReply {
  int status = 0;  // 0: no answer (connection refused, reset, timeout)
  std::string body;
};

[[nodiscard]] HttpReply http_get(uint16_t port, const std::string& path);

}  // namespace sluice::test
