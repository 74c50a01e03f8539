// Password proofs against vectors computed independently (Python hashlib) from
// the formulas of MySQL's password.cc and sha2_password_common.cc.
#include "mysql/auth_scramble.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "support/rsa_test_key.h"
#include "support/test_bytes.h"

namespace sluice::mysql {
namespace {

std::string hex(const std::vector<std::byte>& b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (std::byte x : b) {
    s.push_back(kHex[static_cast<unsigned>(x) >> 4]);
    s.push_back(kHex[static_cast<unsigned>(x) & 15]);
  }
  return s;
}

std::vector<std::byte> nonce() { return testing::test_nonce(); }

TEST_CASE("mysql_native_password proof", "[auth]") {
  CHECK(hex(native_password_proof("s3cr3t-p@ss", nonce())) ==
        "b3532681ba2d2ed60be4d5495c0e035f6bfd06d2");
  CHECK(native_password_proof("", nonce()).empty());
}

TEST_CASE("caching_sha2_password fast-path proof", "[auth]") {
  CHECK(hex(caching_sha2_proof("s3cr3t-p@ss", nonce())) ==
        "b71ec2e7348853b841e5433cb8f64c0ccfd45198aedf86a28ffcfe104704c439");
  CHECK(caching_sha2_proof("", nonce()).empty());
}

TEST_CASE("caching_sha2_password full path: password XOR nonce", "[auth]") {
  // (password + NUL) XOR the nonce repeated, as sha2_password_common.cc's
  // xor_string; vector from Python.
  CHECK(hex(xor_password_with_nonce("s3cr3t-p@ss", nonce())) ==
        "7231607636722a784979780c");
  CHECK(hex(xor_password_with_nonce("", nonce())) == "01");
}

TEST_CASE("caching_sha2_password RSA path decrypts to password XOR nonce",
          "[auth]") {
  const testing::RsaTestKey key;
  const std::string& pem = key.public_pem();
  auto encrypted = rsa_encrypted_password("s3cr3t-p@ss", nonce(), pem);
  REQUIRE(encrypted);
  CHECK(encrypted->size() == 256);
  CHECK(hex(key.decrypt(*encrypted)) == "7231607636722a784979780c");

  auto bad_key = rsa_encrypted_password("pw", nonce(), "not a key");
  REQUIRE_FALSE(bad_key);
  CHECK(bad_key.error().message.find("PEM") != std::string::npos);
  auto too_long = rsa_encrypted_password(std::string(300, 'x'), nonce(), pem);
  REQUIRE_FALSE(too_long);
  CHECK(too_long.error().message.find("TLS") != std::string::npos);
}

}  // namespace
}  // namespace sluice::mysql
