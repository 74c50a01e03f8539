// The authentication exchange of the connection phase, after the server's
// greeting (and TLS, if any): HandshakeResponse41, then OK / ERR /
// AuthSwitchRequest / AuthMoreData until the server decides. Plugins:
// mysql_native_password and caching_sha2_password (fast path; full path with
// the clear password over TLS or RSA-encrypted without). MySQL: Client/
// Server Protocol, "Authentication Methods";
// sql-common/client_authentication.cc.
#pragma once

#include <cstdint>
#include <string>

#include "common/bytes.h"
#include "common/error.h"
#include "mysql/connection.h"
#include "mysql/handshake.h"

namespace sluice::mysql {

// Where the exchange reads and writes packets (the connection, with its
// sequence ids and deadlines).
class PacketChannel {
 public:
  virtual ~PacketChannel() = default;
  [[nodiscard]] virtual Status send(Bytes payload,
                                    const std::string& doing) = 0;
  // The view is valid until the next call.
  [[nodiscard]] virtual Result<Bytes> read(const std::string& doing) = 0;
};

struct AuthRequest {
  const Handshake& handshake;
  uint32_t capabilities;  // negotiated, as sent in the response
  uint32_t max_packet_size;
  uint8_t collation;
  const ConnectOptions& options;  // user, password, RSA key settings
  bool tls;                       // the channel is encrypted
  const std::string& peer;        // "host:port", for messages
};

// Runs the exchange. kRefused for access denied (with what to check), an
// unsupported plugin (kUnsupported, named), or a caching_sha2 full
// authentication that would need an untrusted RSA key.
[[nodiscard]] Status authenticate(PacketChannel& channel,
                                  const AuthRequest& request);

}  // namespace sluice::mysql
