// One client connection to a MySQL or MariaDB server over Boost.Asio: TCP
// connect, handshake, TLS, authentication, then commands and packets, each
// bounded by a deadline. Blocking calls on the caller's thread (DESIGN §1:
// the network/decode thread owns it); Asio stays behind this header.
// MySQL: Client/Server Protocol, "Connection Phase", "Authentication
// Methods" (mysql_native_password, caching_sha2_password).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/error.h"
#include "common/secret.h"
#include "mysql/handshake.h"

namespace sluice::mysql {

// MySQL client's --ssl-mode values.
enum class TlsMode {
  kDisabled,        // plain TCP
  kPreferred,       // TLS when the server offers it, certificate unchecked
  kRequired,        // TLS or fail, certificate unchecked
  kVerifyCa,        // TLS, certificate signed by tls_ca_file
  kVerifyIdentity,  // kVerifyCa and the certificate names the host
};

// Accepts disabled, preferred, required, verify-ca, verify-identity (any
// case, '_' for '-').
[[nodiscard]] Result<TlsMode> parse_tls_mode(std::string_view text);
[[nodiscard]] const char* tls_mode_name(TlsMode mode);

struct ConnectOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 3306;
  std::string user;
  Secret password;
  TlsMode tls_mode = TlsMode::kPreferred;
  std::string tls_ca_file;  // PEM; required by the verify modes
  // caching_sha2_password's full authentication over plain TCP encrypts
  // the password with the server's RSA key: this PEM file, or (only when
  // get_server_public_key is set, as with MySQL's client) the key the
  // server sends on request, which an attacker in the path could replace.
  std::string server_public_key_file;
  bool get_server_public_key = false;
  // Asked every 100 ms while waiting for the peer, from the first connect
  // on; true ends the wait with kCancelled (see Connection::set_interrupt).
  std::function<bool()> interrupt;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds io_timeout{30'000};
};

using QueryRow = std::vector<std::optional<std::string>>;  // nullopt = NULL

class Connection {
 public:
  // Connects, negotiates TLS as the mode says and authenticates. Errors:
  // kIo/kTimeout when the server cannot be reached (retryable), kRefused
  // for access denied, kUnsupported for an authentication plugin sluice
  // does not speak (the message names it), kUsage for TLS set-up mistakes.
  [[nodiscard]] static Result<std::unique_ptr<Connection>> open(
      const ConnectOptions& options);

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  [[nodiscard]] const Handshake& handshake() const;
  [[nodiscard]] bool tls_active() const;
  // "host:port", for messages.
  [[nodiscard]] const std::string& peer() const;

  // While waiting for the peer, `interrupt` is asked every 100 ms; when it
  // returns true the wait ends with kCancelled and the connection closes.
  void set_interrupt(std::function<bool()> interrupt);

  // Sends one command payload; the sequence id restarts at 0.
  [[nodiscard]] Status send_command(Bytes payload);

  // Reads the next payload, joining continuation packets. The view is valid
  // until the next call. kTimeout when nothing complete arrives in time.
  [[nodiscard]] Result<Bytes> read_payload(std::chrono::milliseconds timeout);
  [[nodiscard]] Result<Bytes> read_payload();  // with the io_timeout

  // True when a complete packet waits to be read (the next read will not
  // wait for the network).
  [[nodiscard]] bool data_buffered() const;

  // A statement that returns no rows (SET ...); an ERR becomes an error
  // naming the statement.
  [[nodiscard]] Status execute(std::string_view sql);
  // A statement with a text result set.
  [[nodiscard]] Result<std::vector<QueryRow>> query(std::string_view sql);

  // Sends COM_QUIT and closes; errors are ignored (the peer may be gone).
  void close();

 private:
  struct Impl;
  explicit Connection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::mysql
