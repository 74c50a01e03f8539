#include "mysql/auth_scramble.h"

#include <openssl/sha.h>

#include <array>

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

}  // namespace sluice::mysql
