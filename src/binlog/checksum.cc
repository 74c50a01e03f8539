#include "binlog/checksum.h"

#include <cstdio>
#include <string>

#include "binlog/crc32_pclmul.h"

namespace sluice::binlog {

namespace {

constexpr size_t kFlagsOffset = 17;

}  // namespace

uint32_t crc32_of(Bytes data) { return crc32_update_fast(0, data); }

Status verify_crc32(Bytes event, bool fde) {
  if (event.size() < kChecksumSize) {
    return make_error(Errc::kTruncated, "event shorter than its CRC32 trailer");
  }
  const size_t body = event.size() - kChecksumSize;
  const uint32_t stored = load_le32(event.data() + body);
  uint32_t computed = 0;
  if (fde && body > kFlagsOffset) {
    const std::byte cleared = event[kFlagsOffset] & ~std::byte{0x01};
    uint32_t crc = crc32_update_fast(0, event.first(kFlagsOffset));
    crc = crc32_update_fast(crc, Bytes(&cleared, 1));
    computed = crc32_update_fast(
        crc, event.subspan(kFlagsOffset + 1, body - kFlagsOffset - 1));
  } else {
    computed = crc32_of(event.first(body));
  }
  if (stored != computed) {
    char buf[96];
    std::snprintf(buf, sizeof buf,
                  "CRC32 mismatch: event says 0x%08x, bytes give 0x%08x",
                  stored, computed);
    return make_error(Errc::kChecksum, buf);
  }
  return {};
}

}  // namespace sluice::binlog
