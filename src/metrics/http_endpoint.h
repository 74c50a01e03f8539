// The HTTP side of DESIGN §7 on canal.metrics.pull.port: GET /metrics
// (Prometheus text format 0.0.4), /healthz (200 while the process runs)
// and /ready (200 while this node leads and publishes, else 503; the body
// says what each destination is doing). Served by civetweb, the embedded
// server prometheus-cpp's own exposer uses; the exposer itself cannot
// answer 503.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/error.h"
#include "metrics/collector.h"

class CivetServer;

namespace sluice::metrics {

class HttpEndpoint {
 public:
  // Listens on host:port ("" = every interface; port 0 = any free port).
  // kIo naming the address when it cannot listen.
  [[nodiscard]] static Result<std::unique_ptr<HttpEndpoint>> start(
      const std::string& host, uint16_t port,
      std::shared_ptr<const Collector> collector);
  ~HttpEndpoint();
  HttpEndpoint(const HttpEndpoint&) = delete;
  HttpEndpoint& operator=(const HttpEndpoint&) = delete;

  // The port it listens on (the one chosen when 0 was asked for).
  [[nodiscard]] uint16_t port() const { return port_; }

 private:
  class Handler;
  HttpEndpoint() = default;
  std::shared_ptr<const Collector> collector_;
  std::unique_ptr<Handler> metrics_;
  std::unique_ptr<Handler> healthz_;
  std::unique_ptr<Handler> ready_;
  std::unique_ptr<CivetServer> server_;
  uint16_t port_ = 0;
};

}  // namespace sluice::metrics
