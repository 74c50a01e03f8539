#include "mysql/authentication.h"

#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include "mysql/auth_scramble.h"
#include "mysql/server_response.h"

namespace sluice::mysql {
namespace {

constexpr std::string_view kNativePassword = "mysql_native_password";
constexpr std::string_view kCachingSha2 = "caching_sha2_password";
// caching_sha2_password AuthMoreData codes (sha2_password.h).
constexpr uint8_t kSha2RequestPublicKey = 2;
constexpr uint8_t kSha2FastAuthSuccess = 3;
constexpr uint8_t kSha2PerformFullAuth = 4;

Result<std::string> read_text_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(Errc::kUsage, std::string("cannot read the ") + what +
                                        " '" + path +
                                        "': missing or not readable");
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Result<std::vector<std::byte>> first_auth_response(
    const ConnectOptions& options, std::string_view plugin, Bytes nonce) {
  if (plugin == kNativePassword)
    return native_password_proof(options.password.reveal(), nonce);
  if (plugin == kCachingSha2)
    return caching_sha2_proof(options.password.reveal(), nonce);
  return make_error(Errc::kUnsupported,
                    "the server asks for authentication plugin '" +
                        std::string(plugin) + "' for user '" + options.user +
                        "'; sluice speaks mysql_native_password and "
                        "caching_sha2_password: ALTER USER ... IDENTIFIED "
                        "WITH one of them");
}

// caching_sha2_password full authentication: the clear password over TLS,
// else RSA-encrypted with the server's key.
Status sha2_full_auth(PacketChannel& channel, const AuthRequest& request,
                      Bytes nonce, const std::string& doing) {
  const ConnectOptions& options = request.options;
  if (request.tls) {
    const std::string& pw = options.password.reveal();
    std::vector<std::byte> clear(as_bytes(pw).begin(), as_bytes(pw).end());
    clear.push_back(std::byte{0});
    return channel.send(clear, doing);
  }
  std::string pem;
  if (options.server_public_key_file.empty() &&
      !options.get_server_public_key) {
    return make_error(
        Errc::kRefused,
        doing +
            ": caching_sha2_password needs the password sent in full, and "
            "without TLS that needs the server's RSA public key: use TLS "
            "(--tls-mode required), --server-public-key FILE, or "
            "--get-server-public-key to accept the key the server sends");
  }
  if (!options.server_public_key_file.empty()) {
    SLUICE_ASSIGN_OR_RETURN(pem, read_text_file(options.server_public_key_file,
                                                "server public key file"));
  } else {
    const std::byte ask_for_key{kSha2RequestPublicKey};
    SLUICE_RETURN_IF_ERROR(channel.send(Bytes(&ask_for_key, 1), doing));
    SLUICE_ASSIGN_OR_RETURN(const Bytes reply, channel.read(doing));
    if (is_err_packet(reply)) return tl::unexpected(server_error(reply, doing));
    if (reply.empty() || load_u8(reply.data()) != kAuthMoreDataHeader) {
      return make_error(Errc::kCorrupt,
                        doing + ": expected the server's RSA public key");
    }
    pem = as_chars(reply.subspan(1));
  }
  SLUICE_ASSIGN_OR_RETURN(
      const std::vector<std::byte> encrypted,
      rsa_encrypted_password(options.password.reveal(), nonce, pem));
  return channel.send(encrypted, doing);
}

}  // namespace

Status authenticate(PacketChannel& channel, const AuthRequest& request) {
  const ConnectOptions& options = request.options;
  const std::string doing =
      "authenticating as '" + options.user + "' at " + request.peer;
  std::string plugin = request.handshake.auth_plugin;
  std::vector<std::byte> nonce = request.handshake.nonce;
  // Unknown default plugins: answer for mysql_native_password and let the
  // server switch us to the user's own plugin.
  if (plugin != kNativePassword && plugin != kCachingSha2)
    plugin = kNativePassword;
  HandshakeResponse response;
  response.capabilities = request.capabilities;
  response.max_packet_size = request.max_packet_size;
  response.collation = request.collation;
  response.user = options.user;
  response.auth_plugin = plugin;
  SLUICE_ASSIGN_OR_RETURN(response.auth_response,
                          first_auth_response(options, plugin, nonce));
  SLUICE_ASSIGN_OR_RETURN(const std::vector<std::byte> packet,
                          handshake_response(response));
  SLUICE_RETURN_IF_ERROR(channel.send(packet, doing));
  bool switched = false;
  for (;;) {
    SLUICE_ASSIGN_OR_RETURN(const Bytes reply, channel.read(doing));
    if (reply.empty()) {
      return make_error(Errc::kCorrupt, doing + ": empty reply");
    }
    const uint8_t header = load_u8(reply.data());
    if (header == kOkHeader) return {};
    if (header == kErrHeader) {
      Error e = server_error(reply, doing);
      if (e.code == Errc::kRefused) {
        e.message +=
            "; check the user name and password (SLUICE_PASSWORD or "
            "canal.instance.dbPassword) and that the user may connect "
            "from this host";
      }
      return tl::unexpected(std::move(e));
    }
    if (header == kEofHeader) {
      if (switched) {
        return make_error(Errc::kCorrupt,
                          doing + ": the server switched plugins twice");
      }
      switched = true;
      SLUICE_ASSIGN_OR_RETURN(AuthSwitchRequest req, parse_auth_switch(reply));
      plugin = std::move(req.plugin);
      nonce = std::move(req.data);
      SLUICE_ASSIGN_OR_RETURN(const std::vector<std::byte> proof,
                              first_auth_response(options, plugin, nonce));
      SLUICE_RETURN_IF_ERROR(channel.send(proof, doing));
      continue;
    }
    if (header == kAuthMoreDataHeader && plugin == kCachingSha2 &&
        reply.size() == 2) {
      const uint8_t code = load_u8(reply.data() + 1);
      if (code == kSha2FastAuthSuccess) continue;  // an OK follows
      if (code == kSha2PerformFullAuth) {
        SLUICE_RETURN_IF_ERROR(sha2_full_auth(channel, request, nonce, doing));
        continue;
      }
    }
    return make_error(Errc::kCorrupt,
                      doing + ": unexpected packet (first byte " +
                          std::to_string(header) + ", " +
                          std::to_string(reply.size()) + " bytes)");
  }
}

}  // namespace sluice::mysql
