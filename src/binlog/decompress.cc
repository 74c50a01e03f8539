#include "binlog/decompress.h"

#include <zlib.h>
#include <zstd.h>

#include <cstdio>
#include <string>

namespace sluice::binlog {
namespace {

// Largest allocation a compressed event may ask for (MySQL and MariaDB cap
// events at 1 GiB: max_allowed_packet / slave_max_allowed_packet).
constexpr uint64_t kMaxUncompressed = uint64_t{1} << 30;
constexpr uint64_t kMaxDeflateRatio = 1032;
// zstd's densest block (RLE) turns 3-4 bytes into 128 KiB.
constexpr uint64_t kMaxZstdRatio = 65536;

// MariaDB's compressed block header: 0x80 | flags | width (1-4) of the
// big-endian uncompressed length that follows.
struct BlockHeader {
  uint64_t size;       // uncompressed bytes
  size_t data_offset;  // where the zlib data starts
};

[[nodiscard]] Result<BlockHeader> read_block_header(Bytes in,
                                                    uint8_t allowed_flags,
                                                    const char* what) {
  const uint8_t head = load_u8(in.data());
  const size_t lenlen = head & 0x07U;
  if ((head & 0x80U) == 0 || lenlen < 1 || lenlen > 4 ||
      (head & 0x78U & ~unsigned{allowed_flags}) != 0) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", head);
    return make_error(Errc::kCorrupt,
                      std::string(what) + " header byte " + hex +
                          " names no compression MariaDB writes");
  }
  if (in.size() < 1 + lenlen) {
    return make_error(Errc::kTruncated,
                      std::string(what) + " ends inside its length");
  }
  const uint64_t size = load_be(in.data() + 1, lenlen);
  if (size > kMaxUncompressed) {
    return make_error(Errc::kCorrupt, std::string(what) + " claims " +
                                          std::to_string(size) +
                                          " uncompressed bytes");
  }
  return BlockHeader{size, 1 + lenlen};
}

// Inflates `src` (zlib, or raw deflate with `raw`) into exactly `size` bytes.
[[nodiscard]] Status inflate_exactly(Bytes src, uint64_t size, bool raw,
                                     const char* what,
                                     std::vector<std::byte>& out) {
  // Deflate cannot expand beyond 1032:1; a larger claim is a lie that would
  // only cost memory.
  if (size > src.size() * kMaxDeflateRatio + 64) {
    return make_error(Errc::kCorrupt,
                      std::string("the ") + what + " claims " +
                          std::to_string(size) + " bytes from " +
                          std::to_string(src.size()) + " compressed ones");
  }
  out.resize(size);
  z_stream z{};
  if (inflateInit2(&z, raw ? -MAX_WBITS : MAX_WBITS) != Z_OK) {
    return make_error(Errc::kCorrupt,
                      std::string("zlib cannot start on the ") + what);
  }
  z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(src.data()));
  z.avail_in = static_cast<uInt>(src.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&z, Z_FINISH);
  const uLong produced = z.total_out;
  inflateEnd(&z);
  if (rc != Z_STREAM_END || produced != size) {
    return make_error(Errc::kCorrupt, std::string("the ") + what +
                                          " does not inflate to its " +
                                          std::to_string(size) + " bytes");
  }
  return {};
}

}  // namespace

Status maria_uncompress(Bytes in, std::vector<std::byte>& out) {
  if (in.empty()) {
    return make_error(Errc::kTruncated, "compressed block has no header byte");
  }
  SLUICE_ASSIGN_OR_RETURN(const BlockHeader h,
                          read_block_header(in, 0, "compressed block"));
  return inflate_exactly(in.subspan(h.data_offset), h.size, false,
                         "compressed block", out);
}

Status maria_column_uncompress(Bytes in, std::vector<std::byte>& out) {
  out.clear();
  if (in.empty()) return {};
  if (load_u8(in.data()) == 0) {  // stored as is
    out.assign(in.begin() + 1, in.end());
    return {};
  }
  SLUICE_ASSIGN_OR_RETURN(const BlockHeader h,
                          read_block_header(in, 0x08, "compressed column"));
  const bool raw_deflate = (load_u8(in.data()) & 0x08U) != 0;
  return inflate_exactly(in.subspan(h.data_offset), h.size, raw_deflate,
                         "compressed column", out);
}

Status zstd_uncompress(Bytes in, uint64_t expected_size,
                       std::vector<std::byte>& out) {
  if (expected_size > kMaxUncompressed) {
    return make_error(Errc::kCorrupt, "payload claims " +
                                          std::to_string(expected_size) +
                                          " uncompressed bytes");
  }
  const unsigned long long framed =
      ZSTD_getFrameContentSize(in.data(), in.size());
  if (framed != ZSTD_CONTENTSIZE_UNKNOWN && framed != expected_size) {
    return make_error(Errc::kCorrupt, "zstd frame holds " +
                                          std::to_string(framed) +
                                          " bytes, event header says " +
                                          std::to_string(expected_size));
  }
  if (expected_size > in.size() * kMaxZstdRatio + (1U << 20)) {
    return make_error(Errc::kCorrupt,
                      "zstd payload claims " + std::to_string(expected_size) +
                          " bytes from " + std::to_string(in.size()) +
                          " compressed ones");
  }
  out.resize(expected_size);
  const size_t got =
      ZSTD_decompress(out.data(), out.size(), in.data(), in.size());
  if (ZSTD_isError(got)) {
    return make_error(
        Errc::kCorrupt,
        std::string("zstd decompression failed: ") + ZSTD_getErrorName(got));
  }
  if (got != expected_size) {
    return make_error(Errc::kCorrupt, "zstd payload gave " +
                                          std::to_string(got) +
                                          " bytes, header says " +
                                          std::to_string(expected_size));
  }
  return {};
}

}  // namespace sluice::binlog
