// Little- and big-endian integer loads over std::byte pointers, built byte by
// byte (never by casting pointers). Callers check bounds first: these functions
// read exactly the bytes they name and nothing else.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace sluice {

using Bytes = std::span<const std::byte>;

[[nodiscard]] inline uint64_t load_le(const std::byte* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = n; i > 0; --i) {
    v = (v << 8) | static_cast<uint8_t>(p[i - 1]);
  }
  return v;
}

[[nodiscard]] inline uint64_t load_be(const std::byte* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    v = (v << 8) | static_cast<uint8_t>(p[i]);
  }
  return v;
}

[[nodiscard]] inline uint8_t load_u8(const std::byte* p) {
  return static_cast<uint8_t>(*p);
}
[[nodiscard]] inline uint16_t load_le16(const std::byte* p) {
  return static_cast<uint16_t>(load_le(p, 2));
}
[[nodiscard]] inline uint32_t load_le24(const std::byte* p) {
  return static_cast<uint32_t>(load_le(p, 3));
}
[[nodiscard]] inline uint32_t load_le32(const std::byte* p) {
  return static_cast<uint32_t>(load_le(p, 4));
}
[[nodiscard]] inline uint64_t load_le64(const std::byte* p) {
  return load_le(p, 8);
}

// Sign-extends the low `bits` bits (1..64) of v.
[[nodiscard]] inline int64_t sign_extend(uint64_t v, unsigned bits) {
  if (bits == 0 || bits >= 64) return static_cast<int64_t>(v);
  const uint64_t m = uint64_t{1} << (bits - 1);
  v &= (uint64_t{1} << bits) - 1;
  return static_cast<int64_t>((v ^ m) - m);
}

[[nodiscard]] inline std::string_view as_chars(Bytes b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

[[nodiscard]] inline Bytes as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

// Bit i of a MySQL bitmap (LSB-first within each byte, as rows events use).
[[nodiscard]] inline bool bit_lsb(Bytes bitmap, size_t i) {
  return ((static_cast<unsigned>(bitmap[i / 8]) >> (i % 8)) & 1U) != 0;
}

// Bit i of an MSB-first bitmap (as TABLE_MAP optional metadata uses).
[[nodiscard]] inline bool bit_msb(Bytes bitmap, size_t i) {
  return ((static_cast<unsigned>(bitmap[i / 8]) >> (7 - i % 8)) & 1U) != 0;
}

}  // namespace sluice
