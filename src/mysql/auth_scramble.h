// Password proofs for the MySQL authentication plugins sluice speaks, from
// the password and the server's 20-byte nonce (MySQL: sql/auth/
// password.cc scramble(), sha2_password_common.cc generate_sha2_scramble):
//   mysql_native_password:  SHA1(pw) XOR SHA1(nonce + SHA1(SHA1(pw)))
//   caching_sha2_password:  SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) + nonce)
// An empty password answers with an empty proof.
// caching_sha2_password's full authentication without TLS sends the password
// encrypted with the server's RSA public key (sha2_password_common.cc,
// client_authentication.cc): RSA-OAEP(password + NUL, XORed byte by byte with
// the nonce repeated).
#pragma once

#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/error.h"

namespace sluice::mysql {

[[nodiscard]] std::vector<std::byte> native_password_proof(
    std::string_view password, Bytes nonce);
[[nodiscard]] std::vector<std::byte> caching_sha2_proof(
    std::string_view password, Bytes nonce);

// The plaintext of the RSA path: (password + NUL) XOR the nonce repeated.
// (Over TLS the password goes as is, NUL-terminated.)
[[nodiscard]] std::vector<std::byte> xor_password_with_nonce(
    std::string_view password, Bytes nonce);

// RSA-OAEP encryption of xor_password_with_nonce with the server's public key
// (PEM, as the server sends it on request). kCorrupt when the key does not
// parse, kUnsupported when the password is too long for the key.
[[nodiscard]] Result<std::vector<std::byte>> rsa_encrypted_password(
    std::string_view password, Bytes nonce, std::string_view public_key_pem);

}  // namespace sluice::mysql
