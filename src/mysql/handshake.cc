#include "mysql/handshake.h"

#include <algorithm>

#include "common/byte_reader.h"
#include "mysql/server_response.h"
#include "mysql/wire_writer.h"

namespace sluice::mysql {
namespace {

constexpr uint8_t kProtocolVersion10 = 10;
// MariaDB 10+ prefixes its version with "5.5.5-" so that pre-10 replicas,
// which compare major versions, keep working (sql/mysqld.cc).
constexpr std::string_view kMariaDbVersionPrefix = "5.5.5-";

Result<std::string_view> read_nul_terminated(ByteReader& r, const char* what) {
  const Bytes rest = r.rest();
  const auto nul = std::find(rest.begin(), rest.end(), std::byte{0});
  if (nul == rest.end()) {
    return make_error(Errc::kCorrupt,
                      std::string(what) + " has no NUL terminator");
  }
  const auto n = static_cast<size_t>(nul - rest.begin());
  SLUICE_ASSIGN_OR_RETURN(const std::string_view s, r.chars(n, what));
  SLUICE_RETURN_IF_ERROR(r.skip(1, what));
  return s;
}

void put_fixed_header(uint32_t capabilities, uint32_t max_packet_size,
                      uint8_t collation, std::vector<std::byte>& out) {
  put_le(capabilities, 4, out);
  put_le(max_packet_size, 4, out);
  put_le(collation, 1, out);
  out.insert(out.end(), 23, std::byte{0});  // reserved
}

}  // namespace

Result<Handshake> parse_handshake(Bytes payload) {
  if (is_err_packet(payload)) {
    return tl::unexpected(
        server_error(payload, "the server refused the connection"));
  }
  ByteReader r(payload);
  SLUICE_ASSIGN_OR_RETURN(const uint8_t protocol, r.u8("protocol version"));
  if (protocol != kProtocolVersion10) {
    return make_error(Errc::kUnsupported,
                      "handshake protocol version " + std::to_string(protocol) +
                          " is not 10: the peer is not a MySQL 4.1+ or "
                          "MariaDB server");
  }
  Handshake h;
  SLUICE_ASSIGN_OR_RETURN(const std::string_view version,
                          read_nul_terminated(r, "server version"));
  h.server_version = version;
  if (h.server_version.starts_with(kMariaDbVersionPrefix))
    h.server_version.erase(0, kMariaDbVersionPrefix.size());
  h.mariadb = h.server_version.find("MariaDB") != std::string::npos;
  SLUICE_ASSIGN_OR_RETURN(h.connection_id, r.u32("connection id"));
  SLUICE_ASSIGN_OR_RETURN(const Bytes nonce1, r.bytes(8, "auth data part 1"));
  h.nonce.assign(nonce1.begin(), nonce1.end());
  SLUICE_RETURN_IF_ERROR(r.skip(1, "filler"));
  SLUICE_ASSIGN_OR_RETURN(const uint16_t caps_low, r.u16("capability flags"));
  h.capabilities = caps_low;
  h.auth_plugin = "mysql_native_password";
  if (r.empty()) return h;  // a pre-4.1 server; the caller refuses it

  SLUICE_ASSIGN_OR_RETURN(h.collation, r.u8("character set"));
  SLUICE_ASSIGN_OR_RETURN(h.status, r.u16("status flags"));
  SLUICE_ASSIGN_OR_RETURN(const uint16_t caps_high,
                          r.u16("upper capability flags"));
  h.capabilities |= static_cast<uint32_t>(caps_high) << 16;
  SLUICE_ASSIGN_OR_RETURN(const uint8_t auth_data_len,
                          r.u8("auth data length"));
  SLUICE_RETURN_IF_ERROR(r.skip(10, "reserved"));
  if (h.capabilities & capability::kSecureConnection) {
    // Part 2 is max(13, length - 8) bytes, the last one a NUL.
    const size_t part2 =
        std::max<size_t>(13, auth_data_len > 8 ? auth_data_len - 8u : 0u);
    SLUICE_ASSIGN_OR_RETURN(const Bytes nonce2,
                            r.bytes(part2, "auth data part 2"));
    h.nonce.insert(h.nonce.end(), nonce2.begin(), nonce2.end());
    if (!h.nonce.empty() && h.nonce.back() == std::byte{0}) h.nonce.pop_back();
  }
  if (h.capabilities & capability::kPluginAuth) {
    // Some servers end the name with the packet instead of a NUL.
    const std::string_view rest = as_chars(r.rest());
    const size_t nul = rest.find('\0');
    h.auth_plugin = rest.substr(0, nul);
  }
  return h;
}

std::vector<std::byte> ssl_request(uint32_t capabilities,
                                   uint32_t max_packet_size,
                                   uint8_t collation) {
  std::vector<std::byte> out;
  out.reserve(32);
  put_fixed_header(capabilities, max_packet_size, collation, out);
  return out;
}

Result<std::vector<std::byte>> handshake_response(
    const HandshakeResponse& response) {
  std::vector<std::byte> out;
  out.reserve(64 + response.user.size() + response.auth_response.size());
  put_fixed_header(response.capabilities, response.max_packet_size,
                   response.collation, out);
  put_nul_terminated(response.user, out);
  const auto& auth = response.auth_response;
  if (response.capabilities & capability::kPluginAuthLenencData) {
    put_lenenc(auth.size(), out);
  } else {
    if (auth.size() > 255) {
      return make_error(Errc::kUnsupported,
                        "auth response of " + std::to_string(auth.size()) +
                            " bytes needs CLIENT_PLUGIN_AUTH_LENENC_DATA, "
                            "which the server does not offer");
    }
    put_le(auth.size(), 1, out);
  }
  out.insert(out.end(), auth.begin(), auth.end());
  if (response.capabilities & capability::kPluginAuth)
    put_nul_terminated(response.auth_plugin, out);
  return out;
}

}  // namespace sluice::mysql
