// Password proofs for the MySQL authentication plugins sluice speaks, from
// the password and the server's 20-byte nonce (MySQL: sql/auth/
// password.cc scramble(), sha2_password_common.cc generate_sha2_scramble):
//   mysql_native_password:  SHA1(pw) XOR SHA1(nonce + SHA1(SHA1(pw)))
//   caching_sha2_password:  SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + nonce)
// An empty password answers with an empty proof.
#pragma once

#include <string_view>
#include <vector>

#include "common/bytes.h"

namespace sluice::mysql {

[[nodiscard]] std::vector<std::byte> native_password_proof(
    std::string_view password, Bytes nonce);
[[nodiscard]] std::vector<std::byte> caching_sha2_proof(
    std::string_view password, Bytes nonce);

}  // namespace sluice::mysql
