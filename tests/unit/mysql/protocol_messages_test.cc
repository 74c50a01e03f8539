// Connection-phase and replication command payloads, byte for byte against
// the layouts of MySQL's Client/Server Protocol documentation.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "mysql/handshake.h"
#include "mysql/replication_commands.h"
#include "mysql/server_response.h"
#include "mysql/wire_writer.h"
#include "support/test_bytes.h"

namespace sluice::mysql {
namespace {

using testing::bytes_of;

// A MariaDB 10.11 greeting: "5.5.5-" version prefix, 20-byte nonce,
// mysql_native_password.
std::vector<std::byte> mariadb_greeting() {
  std::vector<std::byte> p;
  put_le(10, 1, p);
  put_nul_terminated("5.5.5-10.11.6-MariaDB-0+deb12u1-log", p);
  put_le(42, 4, p);  // connection id
  for (int i = 1; i <= 8; ++i) put_le(static_cast<uint64_t>(i), 1, p);
  put_le(0, 1, p);  // filler
  const uint32_t caps = capability::kLongPassword | capability::kProtocol41 |
                        capability::kSsl | capability::kSecureConnection |
                        capability::kPluginAuth |
                        capability::kPluginAuthLenencData;
  put_le(caps & 0xffff, 2, p);
  put_le(45, 1, p);  // utf8mb4_general_ci
  put_le(2, 2, p);   // SERVER_STATUS_AUTOCOMMIT
  put_le(caps >> 16, 2, p);
  put_le(21, 1, p);  // auth data length incl. the NUL
  p.insert(p.end(), 6, std::byte{0});
  put_le(0x1d, 4, p);  // MariaDB extended capabilities
  for (int i = 9; i <= 20; ++i) put_le(static_cast<uint64_t>(i), 1, p);
  put_le(0, 1, p);
  put_nul_terminated("mysql_native_password", p);
  return p;
}

TEST_CASE("a MariaDB handshake v10 parses", "[protocol]") {
  auto h = parse_handshake(mariadb_greeting());
  REQUIRE(h);
  CHECK(h->server_version == "10.11.6-MariaDB-0+deb12u1-log");
  CHECK(h->mariadb);
  CHECK(h->connection_id == 42);
  REQUIRE(h->nonce.size() == 20);
  CHECK(h->nonce.front() == std::byte{1});
  CHECK(h->nonce.back() == std::byte{20});
  CHECK((h->capabilities & capability::kSsl) != 0);
  CHECK((h->capabilities & capability::kPluginAuthLenencData) != 0);
  CHECK(h->auth_plugin == "mysql_native_password");
  CHECK(h->collation == 45);
}

TEST_CASE("every truncated handshake is an error, never a crash",
          "[protocol]") {
  const auto full = mariadb_greeting();
  // Up to the capability flags every byte is required.
  for (size_t n = 0; n < 1 + 36 + 4 + 8 + 1 + 2; ++n) {
    INFO("prefix of " << n << " bytes");
    CHECK_FALSE(parse_handshake(Bytes(full.data(), n)));
  }
}

TEST_CASE("an ERR instead of a handshake is a refusal with the server text",
          "[protocol]") {
  std::vector<std::byte> p = bytes_of({0xff, 0x69, 0x04});  // 1129
  put_string("Host '10.0.0.9' is blocked", p);
  auto h = parse_handshake(p);
  REQUIRE_FALSE(h);
  CHECK(h.error().code == Errc::kRefused);  // retrying cannot unblock a host
  CHECK(h.error().message.find("1129") != std::string::npos);
  CHECK(h.error().message.find("is blocked") != std::string::npos);
}

TEST_CASE("a protocol other than 10 is refused by name", "[protocol]") {
  auto h = parse_handshake(bytes_of({9, 'x', 0}));
  REQUIRE_FALSE(h);
  CHECK(h.error().code == Errc::kUnsupported);
  CHECK(h.error().message.find("protocol version 9") != std::string::npos);
}

TEST_CASE("HandshakeResponse41 layout", "[protocol]") {
  HandshakeResponse r;
  r.capabilities = capability::kProtocol41 | capability::kSecureConnection |
                   capability::kPluginAuth | capability::kPluginAuthLenencData;
  r.max_packet_size = 0x01000000;
  r.collation = 45;
  r.user = "repl";
  r.auth_response = bytes_of({0xaa, 0xbb});
  r.auth_plugin = "mysql_native_password";
  auto p = handshake_response(r);
  REQUIRE(p);
  std::vector<std::byte> want;
  put_le(r.capabilities, 4, want);
  put_le(0x01000000, 4, want);
  put_le(45, 1, want);
  want.insert(want.end(), 23, std::byte{0});
  put_nul_terminated("repl", want);
  put_le(2, 1, want);  // length-encoded 2
  put_bytes(r.auth_response, want);
  put_nul_terminated("mysql_native_password", want);
  CHECK(*p == want);
  std::vector<std::byte> ssl(want.begin(), want.begin() + 32);
  ssl[1] |= std::byte{capability::kSsl >> 8};
  CHECK(ssl_request(r.capabilities | capability::kSsl, 0x01000000, 45) == ssl);
}

TEST_CASE("an auth response over 255 bytes needs lenenc data", "[protocol]") {
  HandshakeResponse r;
  r.capabilities = capability::kProtocol41 | capability::kSecureConnection;
  r.auth_response.resize(256);
  auto p = handshake_response(r);
  REQUIRE_FALSE(p);
  CHECK(p.error().message.find("LENENC") != std::string::npos);
}

TEST_CASE("ERR packets carry code, SQLSTATE and text, refusals are kRefused",
          "[protocol]") {
  std::vector<std::byte> p = bytes_of({0xff, 0x15, 0x04});  // 1045
  put_string("#28000Access denied for user 'repl'@'localhost'", p);
  auto e = parse_err_packet(p);
  REQUIRE(e);
  CHECK(e->code == 1045);
  CHECK(e->sql_state == "28000");
  CHECK(e->message == "Access denied for user 'repl'@'localhost'");
  const Error err = server_error(*e, "authenticating");
  CHECK(err.code == Errc::kRefused);
  CHECK(err.message ==
        "authenticating: the server answered error 1045 (28000): Access "
        "denied for user 'repl'@'localhost'");

  std::vector<std::byte> killed = bytes_of({0xff, 0x87, 0x07});  // 1927
  put_string("#70100Connection was killed", killed);
  CHECK(server_error(killed, "streaming").code == Errc::kIo);
  CHECK(server_error(bytes_of({0xff, 0x01}), "x").code == Errc::kCorrupt);
}

TEST_CASE("AuthSwitchRequest names the plugin and the new nonce",
          "[protocol]") {
  std::vector<std::byte> p = bytes_of({0xfe});
  put_nul_terminated("caching_sha2_password", p);
  for (int i = 0; i < 20; ++i) put_le(static_cast<uint64_t>(100 + i), 1, p);
  put_le(0, 1, p);
  auto s = parse_auth_switch(p);
  REQUIRE(s);
  CHECK(s->plugin == "caching_sha2_password");
  REQUIRE(s->data.size() == 20);
  CHECK(s->data[0] == std::byte{100});
  CHECK_FALSE(parse_auth_switch(bytes_of({0xfe, 'a', 'b'})));
}

TEST_CASE("text rows: values, NULL, and leftover bytes", "[protocol]") {
  std::vector<std::byte> p;
  put_lenenc(3, p);
  put_string("ROW", p);
  put_le(0xfb, 1, p);  // NULL
  put_lenenc(0, p);    // ""
  auto row = parse_text_row(p, 3);
  REQUIRE(row);
  REQUIRE(row->size() == 3);
  CHECK((*row)[0] == std::string_view("ROW"));
  CHECK_FALSE((*row)[1].has_value());
  CHECK((*row)[2] == std::string_view(""));
  CHECK_FALSE(parse_text_row(p, 2));  // bytes left over
  CHECK_FALSE(parse_text_row(p, 4));  // a value missing
  CHECK(is_eof_packet(bytes_of({0xfe, 0, 0, 2, 0})));
  CHECK_FALSE(is_eof_packet(std::vector<std::byte>(9, std::byte{0xfe})));
}

TEST_CASE("COM_REGISTER_SLAVE layout, password never sent", "[protocol]") {
  auto p = com_register_slave(
      {.server_id = 0x01020304, .host = "h", .user = "repl", .port = 3306});
  REQUIRE(p);
  std::vector<std::byte> want = bytes_of({0x15, 4, 3, 2, 1, 1, 'h', 4});
  put_string("repl", want);
  put_le(0, 1, want);
  put_le(3306, 2, want);
  put_le(0, 8, want);
  CHECK(*p == want);
  CHECK_FALSE(com_register_slave(
      {.server_id = 1, .host = std::string(256, 'x'), .user = "", .port = 0}));
}

TEST_CASE("COM_BINLOG_DUMP layout and the 32-bit position limit",
          "[protocol]") {
  auto p = com_binlog_dump("mysql-bin.000007", 1234, 77, 0);
  REQUIRE(p);
  std::vector<std::byte> want = bytes_of({0x12});
  put_le(1234, 4, want);
  put_le(0, 2, want);
  put_le(77, 4, want);
  put_string("mysql-bin.000007", want);
  CHECK(*p == want);
  auto big = com_binlog_dump("f", uint64_t{1} << 32, 1, 0);
  REQUIRE_FALSE(big);
  CHECK(big.error().code == Errc::kUnsupported);
}

TEST_CASE("COM_BINLOG_DUMP_GTID layout", "[protocol]") {
  const auto set = bytes_of({1, 2, 3});
  const auto p = com_binlog_dump_gtid("", 4, 9, set);
  std::vector<std::byte> want = bytes_of({0x1e});
  put_le(kDumpFlagThroughGtid, 2, want);
  put_le(9, 4, want);
  put_le(0, 4, want);  // name length
  put_le(4, 8, want);
  put_le(3, 4, want);
  put_bytes(set, want);
  CHECK(p == want);
}

}  // namespace
}  // namespace sluice::mysql
