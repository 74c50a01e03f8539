#include "common/byte_reader.h"

#include <string>

namespace sluice {

Result<uint64_t> ByteReader::packed_int(const char* what) {
  if (remaining() < 1) return short_read(1, what);
  const uint8_t first = load_u8(data_.data() + pos_);
  size_t width = 0;
  if (first < 0xfb) {
    pos_ += 1;
    return first;
  }
  switch (first) {
    case 0xfc:
      width = 2;
      break;
    case 0xfd:
      width = 3;
      break;
    case 0xfe:
      width = 8;
      break;
    default:
      return make_error(Errc::kCorrupt,
                        std::string(what) +
                            ": invalid length-encoded integer prefix 0x" +
                            (first == 0xfb ? "fb" : "ff") + " at offset " +
                            std::to_string(base_ + pos_));
  }
  if (remaining() < 1 + width) return short_read(1 + width, what);
  const uint64_t v = load_le(data_.data() + pos_ + 1, width);
  pos_ += 1 + width;
  return v;
}

Result<std::string_view> ByteReader::packed_chars(const char* what) {
  const size_t start = pos_;
  auto len = packed_int(what);
  if (!len) return tl::unexpected(len.error());
  if (*len > remaining()) {
    auto err = short_read(static_cast<size_t>(*len), what);
    pos_ = start;
    return err;
  }
  return chars(static_cast<size_t>(*len), what);
}

tl::unexpected<Error> ByteReader::short_read(size_t need,
                                             const char* what) const {
  return make_error(Errc::kTruncated,
                    std::string(what) + ": need " + std::to_string(need) +
                        " bytes at offset " + std::to_string(base_ + pos_) +
                        ", only " + std::to_string(remaining()) + " left");
}

}  // namespace sluice
