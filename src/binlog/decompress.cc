#include "binlog/decompress.h"

#include <zlib.h>
#include <zstd.h>

#include <string>

namespace sluice::binlog {
namespace {

// Largest allocation a compressed event may ask for (MySQL and MariaDB cap
// events at 1 GiB: max_allowed_packet / slave_max_allowed_packet).
constexpr uint64_t kMaxUncompressed = uint64_t{1} << 30;

}  // namespace

Status maria_uncompress(Bytes in, std::vector<std::byte>& out) {
  if (in.empty()) {
    return make_error(Errc::kTruncated, "compressed block has no header byte");
  }
  const uint8_t head = load_u8(in.data());
  const size_t lenlen = head & 0x07U;
  if ((head & 0x80U) == 0 || lenlen < 1 || lenlen > 4) {
    return make_error(Errc::kCorrupt, "compressed block header byte 0x" +
                                          std::to_string(head) +
                                          " is not MariaDB's (0x81..0x84)");
  }
  if (in.size() < 1 + lenlen) {
    return make_error(Errc::kTruncated,
                      "compressed block ends inside its length");
  }
  const uint64_t size = load_be(in.data() + 1, lenlen);
  if (size > kMaxUncompressed) {
    return make_error(Errc::kCorrupt, "compressed block claims " +
                                          std::to_string(size) + " bytes");
  }
  out.resize(size);
  uLongf got = static_cast<uLongf>(size);
  const Bytes src = in.subspan(1 + lenlen);
  const int rc = uncompress(reinterpret_cast<Bytef*>(out.data()), &got,
                            reinterpret_cast<const Bytef*>(src.data()),
                            static_cast<uLong>(src.size()));
  if (rc != Z_OK || got != size) {
    return make_error(Errc::kCorrupt, "zlib inflate failed (" +
                                          std::string(zError(rc)) + ", " +
                                          std::to_string(got) + " of " +
                                          std::to_string(size) + " bytes)");
  }
  return {};
}

Status maria_column_uncompress(Bytes in, std::vector<std::byte>& out) {
  out.clear();
  if (in.empty()) return {};
  const uint8_t head = load_u8(in.data());
  if (head == 0) {
    out.assign(in.begin() + 1, in.end());
    return {};
  }
  const size_t lenlen = head & 0x07U;
  if ((head & 0x80U) == 0 || lenlen < 1 || lenlen > 4 || (head & 0x70U) != 0) {
    return make_error(Errc::kCorrupt, "compressed column header byte " +
                                          std::to_string(head) +
                                          " names no known compression method");
  }
  if (in.size() < 1 + lenlen) {
    return make_error(Errc::kTruncated,
                      "compressed column ends inside its length");
  }
  const uint64_t size = load_be(in.data() + 1, lenlen);
  out.resize(size);
  z_stream z{};
  const int window = (head & 0x08U) != 0 ? -MAX_WBITS : MAX_WBITS;
  if (inflateInit2(&z, window) != Z_OK) {
    return make_error(Errc::kCorrupt,
                      "zlib cannot start inflating a compressed column");
  }
  const Bytes src = in.subspan(1 + lenlen);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(src.data()));
  z.avail_in = static_cast<uInt>(src.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&z, Z_FINISH);
  const uLong produced = z.total_out;
  inflateEnd(&z);
  if (rc != Z_STREAM_END || produced != size) {
    return make_error(Errc::kCorrupt,
                      "compressed column does not inflate to its " +
                          std::to_string(size) + " bytes");
  }
  return {};
}

Status zstd_uncompress(Bytes in, uint64_t expected_size,
                       std::vector<std::byte>& out) {
  if (expected_size > kMaxUncompressed) {
    return make_error(Errc::kCorrupt, "payload claims " +
                                          std::to_string(expected_size) +
                                          " uncompressed bytes");
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
