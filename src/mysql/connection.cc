#include "mysql/connection.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>

#include "common/text.h"
#include "mysql/authentication.h"
#include "mysql/packet.h"
#include "mysql/replication_commands.h"
#include "mysql/server_response.h"

namespace sluice::mysql {
namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kInitialReadBuffer = 256 * 1024;
constexpr size_t kKeepBuffer = 16 * 1024 * 1024;
// A payload is at most max_allowed_packet (1 GiB) plus packet headers.
constexpr size_t kMaxReadBuffer = size_t{2} << 30;
constexpr uint8_t kUtf8mb4GeneralCi = 45;

std::string seconds_text(std::chrono::milliseconds ms) {
  std::ostringstream s;
  s << static_cast<double>(ms.count()) / 1000.0 << " s";
  return s.str();
}

}  // namespace

Result<TlsMode> parse_tls_mode(std::string_view text) {
  std::string t = ascii_lower(text);
  std::replace(t.begin(), t.end(), '_', '-');
  if (t == "disabled") return TlsMode::kDisabled;
  if (t == "preferred") return TlsMode::kPreferred;
  if (t == "required") return TlsMode::kRequired;
  if (t == "verify-ca") return TlsMode::kVerifyCa;
  if (t == "verify-identity") return TlsMode::kVerifyIdentity;
  return make_error(Errc::kUsage,
                    "unknown TLS mode '" + std::string(text) +
                        "'; use disabled, preferred, required, verify-ca or "
                        "verify-identity");
}

const char* tls_mode_name(TlsMode mode) {
  switch (mode) {
    case TlsMode::kDisabled:
      return "disabled";
    case TlsMode::kPreferred:
      return "preferred";
    case TlsMode::kRequired:
      return "required";
    case TlsMode::kVerifyCa:
      return "verify-ca";
    case TlsMode::kVerifyIdentity:
      return "verify-identity";
  }
  return "unknown";
}

struct Connection::Impl {
  explicit Impl(const ConnectOptions& o)
      : options(o),
        interrupt(o.interrupt),
        peer(o.host + ":" + std::to_string(o.port)),
        reading("reading from " + peer),
        socket(io),
        buffer(kInitialReadBuffer) {}

  // Runs one asynchronous operation to completion or until `timeout`;
  // `initiate` receives the completion handler (error_code, size_t).
  // On timeout or interrupt the socket is closed, which aborts socket
  // operations; `cancel` aborts anything else (a name lookup).
  template <class Initiate>
  Result<size_t> run(Initiate&& initiate, std::chrono::milliseconds timeout,
                     const std::string& doing,
                     const std::function<void()>& cancel = {}) {
    if (broken) {
      return make_error(Errc::kIo, doing + ": the connection to " + peer +
                                       " is already broken");
    }
    std::optional<std::pair<boost::system::error_code, size_t>> outcome;
    initiate([&outcome](const boost::system::error_code& ec, size_t n) {
      outcome.emplace(ec, n);
    });
    // Wait in slices so that an interrupt request is seen within one slice
    // while the operation stays pending between them.
    const auto deadline = Clock::now() + timeout;
    bool interrupted = false;
    for (;;) {
      const auto left = deadline - Clock::now();
      if (left <= Clock::duration::zero()) break;
      io.restart();
      io.run_for(std::min<Clock::duration>(left, kInterruptSlice));
      if (outcome) break;
      if (interrupt && interrupt()) {
        interrupted = true;
        break;
      }
    }
    if (!outcome) {
      if (cancel) cancel();
      boost::system::error_code ignored;
      socket.close(ignored);  // aborts the pending operation
      io.restart();
      io.run();
      broken = true;
      if (interrupted) {
        return make_error(Errc::kCancelled, doing + ": stopped on request");
      }
      return make_error(Errc::kTimeout, doing + ": no answer from " + peer +
                                            " within " + seconds_text(timeout));
    }
    if (outcome->first) {
      broken = true;
      std::string why = outcome->first.message();
      if (outcome->first == asio::error::eof) why = "the server closed it";
      return make_error(Errc::kIo,
                        doing + ": connection to " + peer + " failed: " + why);
    }
    return outcome->second;
  }

  Status connect_tcp() {
    tcp::resolver resolver(io);
    tcp::resolver::results_type endpoints;
    const std::string doing = "connecting to " + peer;
    SLUICE_RETURN_IF_ERROR(run(
        [&](auto handler) {
          resolver.async_resolve(
              options.host, std::to_string(options.port),
              [&endpoints, handler](const boost::system::error_code& ec,
                                    tcp::resolver::results_type r) mutable {
                endpoints = std::move(r);
                handler(ec, 0);
              });
        },
        options.connect_timeout, "resolving " + options.host,
        [&resolver] { resolver.cancel(); }));
    SLUICE_RETURN_IF_ERROR(run(
        [&](auto handler) {
          asio::async_connect(
              socket, endpoints,
              [handler](const boost::system::error_code& ec,
                        const tcp::endpoint&) mutable { handler(ec, 0); });
        },
        options.connect_timeout, doing));
    socket.set_option(tcp::no_delay(true));
    return {};
  }

  Status write(Bytes data, const std::string& doing) {
    auto buf = asio::buffer(data.data(), data.size());
    return run(
               [&](auto handler) {
                 if (tls) {
                   asio::async_write(*tls, buf, handler);
                 } else {
                   asio::async_write(socket, buf, handler);
                 }
               },
               options.io_timeout, doing)
        .map([](size_t) {});
  }

  Status send(Bytes payload, const std::string& doing) {
    out.clear();
    seq = append_packets(payload, seq, out);
    return write(out, doing);
  }

  // Reads one payload. `timeout` bounds silence, not the whole payload: a
  // large event that keeps arriving never times out.
  Result<Bytes> read(std::chrono::milliseconds timeout,
                     const std::string& doing) {
    release_large_buffers();
    for (;;) {
      const Bytes avail(buffer.data() + head, tail - head);
      auto framed = frame_payload(avail, seq, joined);
      if (framed) {
        head += framed->consumed;
        seq = framed->next_seq;
        return framed->payload;
      }
      if (framed.error().code != Errc::kTruncated) {
        broken = true;
        return tl::unexpected(with_context(framed.error(), doing));
      }
      if (!make_room()) {
        broken = true;
        return make_error(Errc::kCorrupt,
                          doing + ": a packet run longer than " +
                              std::to_string(kMaxReadBuffer >> 20) +
                              " MiB; the peer is not a MySQL server");
      }
      auto buf = asio::buffer(buffer.data() + tail, buffer.size() - tail);
      SLUICE_ASSIGN_OR_RETURN(const size_t n,
                              run(
                                  [&](auto handler) {
                                    if (tls) {
                                      tls->async_read_some(buf, handler);
                                    } else {
                                      socket.async_read_some(buf, handler);
                                    }
                                  },
                                  timeout, doing));
      tail += n;
    }
  }

  // Moves the unread bytes to the front and grows the buffer when a packet
  // needs more than is free; false past kMaxReadBuffer. Earlier payload
  // views are invalid afterwards.
  bool make_room() {
    if (head > 0) {
      std::memmove(buffer.data(), buffer.data() + head, tail - head);
      tail -= head;
      head = 0;
    }
    if (tail == buffer.size()) {
      if (buffer.size() >= kMaxReadBuffer) return false;
      buffer.resize(buffer.size() * 2);
    }
    return true;
  }

  // After one huge event, gives the memory back once nothing is pending.
  void release_large_buffers() {
    if (head != tail) return;
    head = tail = 0;
    if (buffer.size() > kKeepBuffer) {
      buffer.assign(kInitialReadBuffer, std::byte{0});
      buffer.shrink_to_fit();
    }
    if (joined.capacity() > kKeepBuffer) {
      joined.clear();
      joined.shrink_to_fit();
    }
  }

  Status start_tls() {
    if (options.tls_mode == TlsMode::kDisabled) return {};
    const bool offered = handshake.capabilities & capability::kSsl;
    if (!offered) {
      if (options.tls_mode == TlsMode::kPreferred) return {};
      return make_error(Errc::kRefused,
                        "TLS mode " +
                            std::string(tls_mode_name(options.tls_mode)) +
                            " but " + peer +
                            " does not offer TLS; configure ssl_cert/ssl_key "
                            "on the server or choose --tls-mode preferred");
    }
    const bool verify = options.tls_mode == TlsMode::kVerifyCa ||
                        options.tls_mode == TlsMode::kVerifyIdentity;
    try {
      ssl_context.emplace(asio::ssl::context::tls_client);
      ssl_context->set_options(
          asio::ssl::context::default_workarounds |
          asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
          asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
      if (verify) {
        if (options.tls_ca_file.empty()) {
          return make_error(Errc::kUsage,
                            std::string("TLS mode ") +
                                tls_mode_name(options.tls_mode) +
                                " needs a CA certificate file (--tls-ca)");
        }
        boost::system::error_code ec;
        ssl_context->load_verify_file(options.tls_ca_file, ec);
        if (ec) {
          return make_error(Errc::kUsage, "cannot load the CA certificate '" +
                                              options.tls_ca_file +
                                              "': " + ec.message());
        }
        ssl_context->set_verify_mode(asio::ssl::verify_peer);
      } else {
        ssl_context->set_verify_mode(asio::ssl::verify_none);
      }
    } catch (const boost::system::system_error& e) {
      return make_error(Errc::kUsage,
                        std::string("TLS set-up failed: ") + e.what());
    }
    // The SSLRequest goes in the clear; everything after it through TLS.
    SLUICE_RETURN_IF_ERROR(
        send(ssl_request(capabilities, kMaxPacket, kUtf8mb4GeneralCi),
             "requesting TLS"));
    tls.emplace(socket, *ssl_context);
    SSL* ssl = tls->native_handle();
    if (options.tls_mode == TlsMode::kVerifyIdentity) {
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
      boost::system::error_code ec;
      asio::ip::make_address(options.host, ec);
      const int ok =
          ec ? X509_VERIFY_PARAM_set1_host(param, options.host.c_str(), 0)
             : X509_VERIFY_PARAM_set1_ip_asc(param, options.host.c_str());
      if (ok != 1) {
        return make_error(Errc::kUsage,
                          "cannot check the certificate against "
                          "host '" +
                              options.host + "'");
      }
    }
    auto shaken = run(
        [&](auto handler) {
          tls->async_handshake(
              asio::ssl::stream_base::client,
              [handler](const boost::system::error_code& ec) mutable {
                handler(ec, 0);
              });
        },
        options.connect_timeout, "TLS handshake with " + peer);
    if (!shaken) {
      const long verify_result = SSL_get_verify_result(ssl);
      if (verify && verify_result != X509_V_OK) {
        return make_error(Errc::kRefused,
                          "TLS: the certificate of " + peer +
                              " failed verification (" +
                              X509_verify_cert_error_string(verify_result) +
                              ") in mode " + tls_mode_name(options.tls_mode) +
                              " with CA '" + options.tls_ca_file + "'");
      }
      return tl::unexpected(shaken.error());
    }
    return {};
  }

  // PacketChannel for the authentication exchange.
  class AuthChannel final : public PacketChannel {
   public:
    explicit AuthChannel(Impl& impl) : impl_(impl) {}
    Status send(Bytes payload, const std::string& doing) override {
      return impl_.send(payload, doing);
    }
    Result<Bytes> read(const std::string& doing) override {
      return impl_.read(impl_.options.io_timeout, doing);
    }

   private:
    Impl& impl_;
  };

  Status authenticate() {
    AuthChannel channel(*this);
    return mysql::authenticate(channel, {.handshake = handshake,
                                         .capabilities = capabilities,
                                         .max_packet_size = kMaxPacket,
                                         .collation = kUtf8mb4GeneralCi,
                                         .options = options,
                                         .tls = tls.has_value(),
                                         .peer = peer});
  }

  Status open() {
    SLUICE_RETURN_IF_ERROR(connect_tcp());
    SLUICE_ASSIGN_OR_RETURN(
        const Bytes greeting,
        read(options.connect_timeout, "reading the handshake of " + peer));
    auto parsed = parse_handshake(greeting);
    if (!parsed) {
      return tl::unexpected(
          with_context(parsed.error(), "connecting to " + peer));
    }
    handshake = std::move(*parsed);
    if ((handshake.capabilities & kRequiredServerCapabilities) !=
        kRequiredServerCapabilities) {
      return make_error(Errc::kUnsupported,
                        peer + " (server " + handshake.server_version +
                            ") lacks protocol 4.1 / plugin authentication; "
                            "sluice needs MySQL 5.7+ or MariaDB 10.4+");
    }
    const uint32_t wanted =
        kRequiredServerCapabilities | capability::kLongPassword |
        capability::kLongFlag | capability::kTransactions |
        capability::kMultiResults | capability::kPluginAuthLenencData;
    capabilities = wanted & handshake.capabilities;
    const bool want_tls = options.tls_mode != TlsMode::kDisabled &&
                          (handshake.capabilities & capability::kSsl);
    if (want_tls) capabilities |= capability::kSsl;
    SLUICE_RETURN_IF_ERROR(start_tls());
    return authenticate();
  }

  static constexpr uint32_t kMaxPacket = 1u << 30;
  static constexpr std::chrono::milliseconds kInterruptSlice{100};

  ConnectOptions options;
  std::function<bool()> interrupt;
  std::string peer;
  std::string reading;  // "reading from <peer>", made once
  asio::io_context io;
  tcp::socket socket;
  std::optional<asio::ssl::context> ssl_context;
  std::optional<asio::ssl::stream<tcp::socket&>> tls;
  Handshake handshake;
  uint32_t capabilities = 0;
  bool broken = false;
  uint8_t seq = 0;
  std::vector<std::byte> buffer;  // received bytes in [head, tail)
  size_t head = 0;
  size_t tail = 0;
  std::vector<std::byte> joined;  // a payload spread over several packets
  std::vector<std::byte> out;
};

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Connection::~Connection() = default;

Result<std::unique_ptr<Connection>> Connection::open(
    const ConnectOptions& options) {
  auto impl = std::make_unique<Impl>(options);
  SLUICE_RETURN_IF_ERROR(impl->open());
  return std::unique_ptr<Connection>(new Connection(std::move(impl)));
}

const Handshake& Connection::handshake() const { return impl_->handshake; }
bool Connection::tls_active() const { return impl_->tls.has_value(); }

bool Connection::data_buffered() const {
  // A partial packet does not count: the next read would wait for the rest.
  const size_t avail = impl_->tail - impl_->head;
  if (avail < kPacketHeaderSize) return false;
  const size_t length = load_le(impl_->buffer.data() + impl_->head, 3);
  return avail - kPacketHeaderSize >= length;
}

void Connection::set_interrupt(std::function<bool()> interrupt) {
  impl_->interrupt = std::move(interrupt);
}
const std::string& Connection::peer() const { return impl_->peer; }

Status Connection::send_command(Bytes payload) {
  impl_->seq = 0;
  return impl_->send(payload, "sending a command to " + impl_->peer);
}

Result<Bytes> Connection::read_payload(std::chrono::milliseconds timeout) {
  return impl_->read(timeout, impl_->reading);
}

Result<Bytes> Connection::read_payload() {
  return read_payload(impl_->options.io_timeout);
}

Status Connection::execute(std::string_view sql) {
  SLUICE_RETURN_IF_ERROR(send_command(com_query(sql)));
  const std::string doing = "running '" + std::string(sql) + "'";
  SLUICE_ASSIGN_OR_RETURN(const Bytes reply, read_payload());
  if (is_ok_packet(reply)) return {};
  if (is_err_packet(reply)) return tl::unexpected(server_error(reply, doing));
  return make_error(Errc::kCorrupt,
                    doing + ": expected OK, got a result set or other data");
}

Result<std::vector<QueryRow>> Connection::query(std::string_view sql) {
  SLUICE_RETURN_IF_ERROR(send_command(com_query(sql)));
  const std::string doing = "running '" + std::string(sql) + "'";
  SLUICE_ASSIGN_OR_RETURN(const Bytes first, read_payload());
  if (is_err_packet(first)) return tl::unexpected(server_error(first, doing));
  std::vector<QueryRow> rows;
  if (is_ok_packet(first)) return rows;
  SLUICE_ASSIGN_OR_RETURN(const uint64_t columns, parse_column_count(first));
  // Column definitions, then an EOF (CLIENT_DEPRECATE_EOF is not asked for).
  for (;;) {
    SLUICE_ASSIGN_OR_RETURN(const Bytes def, read_payload());
    if (is_eof_packet(def)) break;
    if (is_err_packet(def)) return tl::unexpected(server_error(def, doing));
  }
  for (;;) {
    SLUICE_ASSIGN_OR_RETURN(const Bytes row, read_payload());
    if (is_eof_packet(row)) return rows;
    if (is_err_packet(row)) return tl::unexpected(server_error(row, doing));
    auto values = parse_text_row(row, static_cast<size_t>(columns));
    if (!values) return tl::unexpected(with_context(values.error(), doing));
    QueryRow& r = rows.emplace_back();
    for (const auto& v : *values) {
      if (v) {
        r.emplace_back(std::string(*v));
      } else {
        r.emplace_back(std::nullopt);
      }
    }
  }
}

void Connection::close() {
  if (!impl_->broken && impl_->socket.is_open()) {
    const std::byte quit{kComQuit};
    impl_->seq = 0;
    impl_->out.clear();
    append_packets(Bytes(&quit, 1), 0, impl_->out);
    // Best effort with a short deadline: the peer may already be gone.
    auto buf = asio::buffer(impl_->out.data(), impl_->out.size());
    (void)impl_->run(
        [&](auto handler) {
          if (impl_->tls) {
            asio::async_write(*impl_->tls, buf, handler);
          } else {
            asio::async_write(impl_->socket, buf, handler);
          }
        },
        std::chrono::milliseconds(200), "closing");
  }
  boost::system::error_code ignored;
  impl_->socket.close(ignored);
  impl_->broken = true;
}

}  // namespace sluice::mysql
