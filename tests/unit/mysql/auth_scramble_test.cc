// Password proofs against vectors computed independently (Python hashlib) from
// the formulas of MySQL's password.cc and sha2_password_common.cc.
#include "mysql/auth_scramble.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <catch2/catch.hpp>
#include <memory>
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

TEST_CASE("caching_sha2_password full path: password XOR nonce", "[auth]") {
  // (password + NUL) XOR the nonce repeated, as sha2_password_common.cc's
  // xor_string; vector from Python.
  CHECK(hex(xor_password_with_nonce("s3cr3t-p@ss", nonce())) ==
        "7231607636722a784979780c");
  CHECK(hex(xor_password_with_nonce("", nonce())) == "01");
}

TEST_CASE("caching_sha2_password RSA path decrypts to password XOR nonce",
          "[auth]") {
  // A fresh key pair stands in for the server's: the public half goes in as
  // PEM, the private half proves what was encrypted (OAEP is randomised, so
  // ciphertexts cannot be compared with fixed vectors).
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048),
                                                          &EVP_PKEY_free);
  REQUIRE(key);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()),
                                                &BIO_free);
  REQUIRE(PEM_write_bio_PUBKEY(bio.get(), key.get()) == 1);
  char* pem_data = nullptr;
  const long pem_len = BIO_get_mem_data(bio.get(), &pem_data);
  const std::string pem(pem_data, static_cast<size_t>(pem_len));

  auto encrypted = rsa_encrypted_password("s3cr3t-p@ss", nonce(), pem);
  REQUIRE(encrypted);
  CHECK(encrypted->size() == 256);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new(key.get(), nullptr), &EVP_PKEY_CTX_free);
  REQUIRE(EVP_PKEY_decrypt_init(ctx.get()) == 1);
  REQUIRE(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) == 1);
  std::vector<unsigned char> plain(256);
  size_t plain_len = plain.size();
  REQUIRE(EVP_PKEY_decrypt(
              ctx.get(), plain.data(), &plain_len,
              reinterpret_cast<const unsigned char*>(encrypted->data()),
              encrypted->size()) == 1);
  std::vector<std::byte> got(plain_len);
  for (size_t i = 0; i < plain_len; ++i) got[i] = std::byte{plain[i]};
  CHECK(hex(got) == "7231607636722a784979780c");

  auto bad_key = rsa_encrypted_password("pw", nonce(), "not a key");
  REQUIRE_FALSE(bad_key);
  CHECK(bad_key.error().message.find("PEM") != std::string::npos);
  auto too_long = rsa_encrypted_password(std::string(300, 'x'), nonce(), pem);
  REQUIRE_FALSE(too_long);
  CHECK(too_long.error().message.find("TLS") != std::string::npos);
}

}  // namespace
}  // namespace sluice::mysql
