// CRC32 (the zlib polynomial binlog checksums use) by carry-less
// multiplication folding, as in Intel's "Fast CRC Computation for Generic
// Polynomials Using PCLMULQDQ" white paper: ~10x zlib's table-driven speed on
// x86-64 CPUs with PCLMULQDQ; other CPUs fall back to zlib.
#pragma once

#include <cstdint>

#include "common/bytes.h"

namespace sluice::binlog {

// Same result as zlib's crc32(crc, data, size).
[[nodiscard]] uint32_t crc32_update_fast(uint32_t crc, Bytes data);

}  // namespace sluice::binlog
