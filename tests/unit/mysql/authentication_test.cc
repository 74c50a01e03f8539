// The authentication exchange against the server packets MySQL's protocol
// documentation prescribes, replayed in order: caching_sha2_password's fast
// path, its full path over TLS and with the server's RSA key, auth switch,
// refusals. (No MySQL 8 server is installable here; MariaDB, which the
// integration tests use, speaks mysql_native_password.)
#include "mysql/authentication.h"

#include <catch2/catch.hpp>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "mysql/auth_scramble.h"
#include "mysql/wire_writer.h"
#include "support/rsa_test_key.h"
#include "support/test_bytes.h"

namespace sluice::mysql {
namespace {

using testing::bytes_of;
std::vector<std::byte> nonce() { return testing::test_nonce(); }

// Plays the server: hands out scripted replies, records what was sent.
class ScriptedServer final : public PacketChannel {
 public:
  explicit ScriptedServer(std::deque<std::vector<std::byte>> replies)
      : replies_(std::move(replies)) {}
  Status send(Bytes payload, const std::string&) override {
    sent.emplace_back(payload.begin(), payload.end());
    return {};
  }
  Result<Bytes> read(const std::string&) override {
    if (replies_.empty()) return make_error(Errc::kIo, "script ended");
    current_ = std::move(replies_.front());
    replies_.pop_front();
    return Bytes(current_);
  }
  std::vector<std::vector<std::byte>> sent;

 private:
  std::deque<std::vector<std::byte>> replies_;
  std::vector<std::byte> current_;
};

const std::vector<std::byte> kOk = bytes_of({0x00, 0, 0, 2, 0, 0, 0});

struct Setup {
  Handshake handshake;
  ConnectOptions options;
  std::string peer = "127.0.0.1:3306";

  Setup() {
    handshake.nonce = nonce();
    handshake.auth_plugin = "caching_sha2_password";
    options.user = "repl";
    options.password = Secret("s3cr3t-p@ss");
  }
  AuthRequest request(bool tls) const {
    return {.handshake = handshake,
            .capabilities =
                capability::kProtocol41 | capability::kSecureConnection |
                capability::kPluginAuth | capability::kPluginAuthLenencData,
            .max_packet_size = 1u << 30,
            .collation = 45,
            .options = options,
            .tls = tls,
            .peer = peer};
  }
};

// The auth response inside a HandshakeResponse41 sent with lenenc data.
std::vector<std::byte> auth_response_of(const std::vector<std::byte>& packet,
                                        const std::string& user) {
  size_t at = 32 + user.size() + 1;
  const size_t len = static_cast<size_t>(packet.at(at));
  return {packet.begin() + static_cast<std::ptrdiff_t>(at + 1),
          packet.begin() + static_cast<std::ptrdiff_t>(at + 1 + len)};
}

TEST_CASE("caching_sha2_password fast path", "[auth]") {
  Setup s;
  ScriptedServer server({bytes_of({0x01, 0x03}), kOk});
  REQUIRE(authenticate(server, s.request(false)));
  REQUIRE(server.sent.size() == 1);
  CHECK(auth_response_of(server.sent[0], "repl") ==
        caching_sha2_proof("s3cr3t-p@ss", nonce()));
}

TEST_CASE("caching_sha2_password full path over TLS sends the password",
          "[auth]") {
  Setup s;
  ScriptedServer server({bytes_of({0x01, 0x04}), kOk});
  REQUIRE(authenticate(server, s.request(true)));
  REQUIRE(server.sent.size() == 2);
  std::vector<std::byte> want;
  put_nul_terminated("s3cr3t-p@ss", want);
  CHECK(server.sent[1] == want);
}

TEST_CASE("caching_sha2_password full path without TLS uses the RSA key",
          "[auth]") {
  const testing::RsaTestKey key;
  std::vector<std::byte> key_packet = bytes_of({0x01});
  put_string(key.public_pem(), key_packet);

  Setup s;
  SECTION("refused unless the operator accepts the server's key") {
    ScriptedServer server({bytes_of({0x01, 0x04})});
    auto r = authenticate(server, s.request(false));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::kRefused);
    CHECK(r.error().message.find("--get-server-public-key") !=
          std::string::npos);
    CHECK(r.error().message.find("s3cr3t") == std::string::npos);
  }
  SECTION("asks for the key, then sends RSA-OAEP(password XOR nonce)") {
    s.options.get_server_public_key = true;
    ScriptedServer server({bytes_of({0x01, 0x04}), key_packet, kOk});
    REQUIRE(authenticate(server, s.request(false)));
    REQUIRE(server.sent.size() == 3);
    CHECK(server.sent[1] == bytes_of({0x02}));  // request public key
    const std::vector<std::byte> got = key.decrypt(server.sent[2]);
    CHECK(got == xor_password_with_nonce("s3cr3t-p@ss", nonce()));
  }
}

TEST_CASE("auth switch from caching_sha2 to mysql_native_password", "[auth]") {
  Setup s;
  std::vector<std::byte> sw = bytes_of({0xfe});
  put_nul_terminated("mysql_native_password", sw);
  std::vector<std::byte> new_nonce;
  for (int i = 0; i < 20; ++i) new_nonce.push_back(std::byte{0x41});
  put_bytes(new_nonce, sw);
  sw.push_back(std::byte{0});
  ScriptedServer server({sw, kOk});
  REQUIRE(authenticate(server, s.request(false)));
  REQUIRE(server.sent.size() == 2);
  CHECK(server.sent[1] == native_password_proof("s3cr3t-p@ss", new_nonce));
}

TEST_CASE("unknown plugins and access denied are explained", "[auth]") {
  Setup s;
  SECTION("a plugin sluice does not speak is named") {
    std::vector<std::byte> sw = bytes_of({0xfe});
    put_nul_terminated("client_ed25519", sw);
    put_bytes(nonce(), sw);
    ScriptedServer server({sw});
    auto r = authenticate(server, s.request(false));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::kUnsupported);
    CHECK(r.error().message.find("client_ed25519") != std::string::npos);
  }
  SECTION("access denied is a refusal with what to check") {
    std::vector<std::byte> err = bytes_of({0xff, 0x15, 0x04});
    put_string("#28000Access denied for user 'repl'@'10.0.0.1'", err);
    ScriptedServer server({err});
    auto r = authenticate(server, s.request(false));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == Errc::kRefused);
    CHECK(r.error().message.find("SLUICE_PASSWORD") != std::string::npos);
    CHECK(r.error().message.find("s3cr3t") == std::string::npos);
  }
  SECTION("a second switch is a protocol error, not a loop") {
    std::vector<std::byte> sw = bytes_of({0xfe});
    put_nul_terminated("mysql_native_password", sw);
    put_bytes(nonce(), sw);
    ScriptedServer server({sw, sw});
    auto r = authenticate(server, s.request(false));
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("twice") != std::string::npos);
  }
}

}  // namespace
}  // namespace sluice::mysql
