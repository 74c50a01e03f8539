#include "mysql/auth_scramble.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include <array>
#include <memory>

namespace sluice::mysql {
namespace {

template <size_t N, class Hash>
std::array<unsigned char, N> digest(Hash hash,
                                    std::initializer_list<Bytes> parts) {
  std::vector<unsigned char> joined;
  for (Bytes p : parts) {
    for (std::byte b : p) joined.push_back(static_cast<unsigned char>(b));
  }
  std::array<unsigned char, N> out{};
  hash(joined.data(), joined.size(), out.data());
  return out;
}

template <size_t N>
Bytes view(const std::array<unsigned char, N>& a) {
  return {reinterpret_cast<const std::byte*>(a.data()), N};
}

template <size_t N>
std::vector<std::byte> xor_of(const std::array<unsigned char, N>& a,
                              const std::array<unsigned char, N>& b) {
  std::vector<std::byte> out(N);
  for (size_t i = 0; i < N; ++i) out[i] = static_cast<std::byte>(a[i] ^ b[i]);
  return out;
}

}  // namespace

std::vector<std::byte> native_password_proof(std::string_view password,
                                             Bytes nonce) {
  if (password.empty()) return {};
  const auto stage1 = digest<SHA_DIGEST_LENGTH>(SHA1, {as_bytes(password)});
  const auto stage2 = digest<SHA_DIGEST_LENGTH>(SHA1, {view(stage1)});
  const auto mix = digest<SHA_DIGEST_LENGTH>(SHA1, {nonce, view(stage2)});
  return xor_of(stage1, mix);
}

std::vector<std::byte> caching_sha2_proof(std::string_view password,
                                          Bytes nonce) {
  if (password.empty()) return {};
  const auto stage1 =
      digest<SHA256_DIGEST_LENGTH>(SHA256, {as_bytes(password)});
  const auto stage2 = digest<SHA256_DIGEST_LENGTH>(SHA256, {view(stage1)});
  const auto mix = digest<SHA256_DIGEST_LENGTH>(SHA256, {view(stage2), nonce});
  return xor_of(stage1, mix);
}

std::vector<std::byte> xor_password_with_nonce(std::string_view password,
                                               Bytes nonce) {
  std::vector<std::byte> out(password.size() + 1);
  for (size_t i = 0; i < out.size(); ++i) {
    const auto c = i < password.size() ? static_cast<std::byte>(password[i])
                                       : std::byte{0};
    out[i] = nonce.empty() ? c : c ^ nonce[i % nonce.size()];
  }
  return out;
}

Result<std::vector<std::byte>> rsa_encrypted_password(
    std::string_view password, Bytes nonce, std::string_view public_key_pem) {
  using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
  using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
  using CtxPtr = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;
  BioPtr bio(BIO_new_mem_buf(public_key_pem.data(),
                             static_cast<int>(public_key_pem.size())),
             &BIO_free);
  KeyPtr key(
      bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr,
      &EVP_PKEY_free);
  if (!key) {
    return make_error(Errc::kCorrupt,
                      "the server's RSA public key is not a PEM public key");
  }
  const std::vector<std::byte> plain = xor_password_with_nonce(password, nonce);
  // OAEP with SHA-1 takes at most size - 42 bytes.
  const auto key_size = static_cast<size_t>(EVP_PKEY_get_size(key.get()));
  if (plain.size() + 42 > key_size) {
    return make_error(Errc::kUnsupported,
                      "the password is too long for the server's " +
                          std::to_string(key_size * 8) +
                          "-bit RSA key; connect with TLS instead");
  }
  CtxPtr ctx(EVP_PKEY_CTX_new(key.get(), nullptr), &EVP_PKEY_CTX_free);
  size_t out_len = key_size;
  std::vector<std::byte> out(key_size);
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) <= 0 ||
      EVP_PKEY_encrypt(ctx.get(), reinterpret_cast<unsigned char*>(out.data()),
                       &out_len,
                       reinterpret_cast<const unsigned char*>(plain.data()),
                       plain.size()) <= 0) {
    return make_error(Errc::kCorrupt,
                      "RSA encryption with the server's public key failed");
  }
  out.resize(out_len);
  return out;
}

}  // namespace sluice::mysql
