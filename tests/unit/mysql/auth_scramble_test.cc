// Password proofs against vectors computed independently (Python hashlib) from
// the formulas of MySQL's password.cc and sha2_password_common.cc.
#include "mysql/auth_scramble.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

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

std::vector<std::byte> nonce() {
  std::vector<std::byte> n;
  for (int i = 1; i <= 20; ++i) n.push_back(static_cast<std::byte>(i));
  return n;
}

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

}  // namespace
}  // namespace sluice::mysql
