// The connection phase of the MySQL client/server protocol: the server's
// Initial Handshake v10, the client's SSLRequest and HandshakeResponse41.
// MySQL: Client/Server Protocol, "Connection Phase" (sql-common/client.cc
// csm_parse_handshake, send_client_reply_packet); MariaDB: "Connection"
// (sql/sql_acl.cc send_server_handshake_packet).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/error.h"

namespace sluice::mysql {

// Capability flags (include/mysql_com.h CLIENT_*), the ones sluice reads or
// sets.
namespace capability {
inline constexpr uint32_t kLongPassword = 1u << 0;
inline constexpr uint32_t kLongFlag = 1u << 2;
inline constexpr uint32_t kProtocol41 = 1u << 9;
inline constexpr uint32_t kSsl = 1u << 11;
inline constexpr uint32_t kTransactions = 1u << 13;
inline constexpr uint32_t kSecureConnection = 1u << 15;
inline constexpr uint32_t kMultiResults = 1u << 17;
inline constexpr uint32_t kPluginAuth = 1u << 19;
inline constexpr uint32_t kPluginAuthLenencData = 1u << 21;
}  // namespace capability

// What every server sluice talks to (MySQL 4.1+, MariaDB) must offer.
inline constexpr uint32_t kRequiredServerCapabilities =
    capability::kProtocol41 | capability::kSecureConnection |
    capability::kPluginAuth;

struct Handshake {
  std::string server_version;  // MariaDB's "5.5.5-" prefix removed
  bool mariadb = false;
  uint32_t connection_id = 0;
  std::vector<std::byte> nonce;  // auth-plugin-data, trailing NUL removed
  uint32_t capabilities = 0;
  uint8_t collation = 0;
  uint16_t status = 0;
  std::string auth_plugin;  // "mysql_native_password" when not announced
};

// Parses the first packet a server sends. A server that refuses the
// connection outright (too many connections, host blocked) sends an ERR
// packet instead; that comes back as kRefused with the server's text.
[[nodiscard]] Result<Handshake> parse_handshake(Bytes payload);

struct HandshakeResponse {
  uint32_t capabilities = 0;
  uint32_t max_packet_size = 1u << 30;
  uint8_t collation = 45;  // utf8mb4_general_ci
  std::string user;
  std::vector<std::byte> auth_response;
  std::string auth_plugin;
};

// The 32-byte SSLRequest sent before the TLS handshake; `capabilities` must
// include kSsl.
[[nodiscard]] std::vector<std::byte> ssl_request(uint32_t capabilities,
                                                 uint32_t max_packet_size,
                                                 uint8_t collation);

// HandshakeResponse41 (sent after the TLS handshake when TLS is on). The
// auth response is length-encoded when kPluginAuthLenencData is set, else
// prefixed with one length byte (and then at most 255 bytes long).
[[nodiscard]] Result<std::vector<std::byte>> handshake_response(
    const HandshakeResponse& response);

}  // namespace sluice::mysql
