#include "metrics/http_endpoint.h"

#include <CivetServer.h>
#include <prometheus/text_serializer.h>

#include <sstream>
#include <vector>

namespace sluice::metrics {
namespace {

void reply(mg_connection* conn, int status, const char* reason,
           const char* content_type, const std::string& body) {
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
            "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
            status, reason, content_type, body.size());
  mg_write(conn, body.data(), body.size());
}

}  // namespace

class HttpEndpoint::Handler : public CivetHandler {
 public:
  enum class Path { kMetrics, kHealthz, kReady };
  Handler(const Collector& collector, Path path)
      : collector_(collector), path_(path) {}

  bool handleGet(CivetServer*, mg_connection* conn) override {
    switch (path_) {
      case Path::kMetrics: {
        std::ostringstream out;
        prometheus::TextSerializer().Serialize(out, collector_.Collect());
        reply(conn, 200, "OK", "text/plain; version=0.0.4; charset=utf-8",
              out.str());
        break;
      }
      case Path::kHealthz:
        reply(conn, 200, "OK", "text/plain", "ok\n");
        break;
      case Path::kReady: {
        std::string detail;
        if (collector_.ready(&detail)) {
          reply(conn, 200, "OK", "text/plain", detail);
        } else {
          reply(conn, 503, "Service Unavailable", "text/plain", detail);
        }
        break;
      }
    }
    return true;
  }

 private:
  const Collector& collector_;
  Path path_;
};

Result<std::unique_ptr<HttpEndpoint>> HttpEndpoint::start(
    const std::string& host, uint16_t port,
    std::shared_ptr<const Collector> collector) {
  std::unique_ptr<HttpEndpoint> e(new HttpEndpoint());
  e->collector_ = std::move(collector);
  const bool v6 = host.find(':') != std::string::npos;
  const std::string address = host.empty() ? std::to_string(port)
                                           : (v6 ? "[" + host + "]" : host) +
                                                 ":" + std::to_string(port);
  const std::vector<std::string> options = {"listening_ports", address,
                                            "num_threads", "2"};
  try {
    e->server_ = std::make_unique<CivetServer>(options);
  } catch (const CivetException& x) {
    return make_error(Errc::kIo, "cannot serve metrics on " + address + ": " +
                                     x.what() +
                                     " (is the port in use? set "
                                     "canal.metrics.pull.port or "
                                     "--metrics-port)");
  }
  using Path = Handler::Path;
  e->metrics_ = std::make_unique<Handler>(*e->collector_, Path::kMetrics);
  e->healthz_ = std::make_unique<Handler>(*e->collector_, Path::kHealthz);
  e->ready_ = std::make_unique<Handler>(*e->collector_, Path::kReady);
  e->server_->addHandler("/metrics", e->metrics_.get());
  e->server_->addHandler("/healthz", e->healthz_.get());
  e->server_->addHandler("/ready", e->ready_.get());
  const std::vector<int> ports = e->server_->getListeningPorts();
  e->port_ = ports.empty() ? port : static_cast<uint16_t>(ports.front());
  return e;
}

HttpEndpoint::~HttpEndpoint() {
  // Stop serving before the handlers and the collector go.
  if (server_) server_->close();
}

}  // namespace sluice::metrics
