#include "binlog/crc32_pclmul.h"

#include <zlib.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace sluice::binlog {
namespace {

uint32_t zlib_crc(uint32_t crc, const std::byte* p, size_t n) {
  uLong c = crc;
  while (n > 0) {
    const size_t chunk = n > (1U << 30) ? (1U << 30) : n;
    c = crc32(c, reinterpret_cast<const Bytef*>(p), static_cast<uInt>(chunk));
    p += chunk;
    n -= chunk;
  }
  return static_cast<uint32_t>(c);
}

#if defined(__x86_64__)

__attribute__((target("pclmul,sse4.1"))) __m128i load16(const std::byte* q) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
}

// x * k (both 64-bit halves, carry-less), folded onto `next`.
__attribute__((target("pclmul,sse4.1"))) __m128i fold16(__m128i x, __m128i k,
                                                        __m128i next) {
  const __m128i lo = _mm_clmulepi64_si128(x, k, 0x00);
  const __m128i hi = _mm_clmulepi64_si128(x, k, 0x11);
  return _mm_xor_si128(_mm_xor_si128(lo, hi), next);
}

// Folds 64-byte blocks, then 16-byte blocks, then reduces to 32 bits.
// `state` is the inverted CRC register; `n` is a multiple of 16, at least 64.
__attribute__((target("pclmul,sse4.1"))) uint32_t fold(uint32_t state,
                                                       const std::byte* p,
                                                       size_t n) {
  const __m128i k1k2 = _mm_set_epi64x(0x01c6e41596, 0x0154442bd4);
  const __m128i k3k4 = _mm_set_epi64x(0x00ccaa009e, 0x01751997d0);
  const __m128i k5k0 = _mm_set_epi64x(0x0000000000, 0x0163cd6124);
  const __m128i poly = _mm_set_epi64x(0x01f7011641, 0x01db710641);
  __m128i x1 =
      _mm_xor_si128(load16(p), _mm_cvtsi32_si128(static_cast<int>(state)));
  __m128i x2 = load16(p + 16);
  __m128i x3 = load16(p + 32);
  __m128i x4 = load16(p + 48);
  p += 64;
  n -= 64;
  while (n >= 64) {
    x1 = fold16(x1, k1k2, load16(p));
    x2 = fold16(x2, k1k2, load16(p + 16));
    x3 = fold16(x3, k1k2, load16(p + 32));
    x4 = fold16(x4, k1k2, load16(p + 48));
    p += 64;
    n -= 64;
  }
  x1 = fold16(x1, k3k4, x2);
  x1 = fold16(x1, k3k4, x3);
  x1 = fold16(x1, k3k4, x4);
  while (n >= 16) {
    x1 = fold16(x1, k3k4, load16(p));
    p += 16;
    n -= 16;
  }
  // 128 -> 64 bits.
  const __m128i mask32 = _mm_setr_epi32(~0, 0, ~0, 0);
  x2 = _mm_clmulepi64_si128(x1, k3k4, 0x10);
  x1 = _mm_xor_si128(_mm_srli_si128(x1, 8), x2);
  x2 = _mm_srli_si128(x1, 4);
  x1 = _mm_and_si128(x1, mask32);
  x1 = _mm_xor_si128(_mm_clmulepi64_si128(x1, k5k0, 0x00), x2);
  // Barrett reduction to 32 bits.
  x2 = _mm_and_si128(x1, mask32);
  x2 = _mm_clmulepi64_si128(x2, poly, 0x10);
  x2 = _mm_and_si128(x2, mask32);
  x2 = _mm_clmulepi64_si128(x2, poly, 0x00);
  x1 = _mm_xor_si128(x1, x2);
  return static_cast<uint32_t>(_mm_extract_epi32(x1, 1));
}

bool have_pclmul() {
  static const bool yes =
      __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  return yes;
}

#endif

}  // namespace

uint32_t crc32_update_fast(uint32_t crc, Bytes data) {
  const std::byte* p = data.data();
  size_t n = data.size();
#if defined(__x86_64__)
  if (n >= 64 && have_pclmul()) {
    const size_t bulk = n & ~size_t{15};
    crc = ~fold(~crc, p, bulk);
    p += bulk;
    n -= bulk;
  }
#endif
  return zlib_crc(crc, p, n);
}

}  // namespace sluice::binlog
