// Binlog event checksums (MySQL 5.6.1+/MariaDB 5.3+, binlog_checksum): the
// algorithm byte of the FORMAT_DESCRIPTION event and the CRC32 trailer.
#pragma once

#include <cstdint>

#include "common/bytes.h"
#include "common/error.h"

namespace sluice::binlog {

enum class ChecksumAlg : uint8_t { kOff = 0, kCrc32 = 1, kUndefined = 255 };

inline constexpr size_t kChecksumSize = 4;

// zlib-compatible CRC32 (the polynomial MySQL uses) of `data`.
[[nodiscard]] uint32_t crc32_of(Bytes data);

// Verifies that the last 4 bytes of `event` are the CRC32 of the rest. For a
// FORMAT_DESCRIPTION event pass `fde`: the server sets its "binlog in use"
// flag (LOG_EVENT_BINLOG_IN_USE_F, 0x1 at header byte 17) after computing the
// checksum and clears it on close, so the CRC covers the flag as 0.
[[nodiscard]] Status verify_crc32(Bytes event, bool fde = false);

}  // namespace sluice::binlog
