// The one bounds-checked cursor every wire read goes through. A read that does
// not fit returns kTruncated naming the field, the offset and the byte counts,
// and leaves the cursor where it was.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/bytes.h"
#include "common/error.h"

namespace sluice {

class ByteReader {
 public:
  // `base` is added to positions in error messages, so a reader over an event
  // body can report offsets relative to whatever the caller counts from.
  explicit ByteReader(Bytes data, size_t base = 0) : data_(data), base_(base) {}

  [[nodiscard]] size_t position() const { return pos_; }
  [[nodiscard]] size_t remaining() const { return data_.size() - pos_; }
  [[nodiscard]] bool empty() const { return pos_ == data_.size(); }
  [[nodiscard]] Bytes rest() const { return data_.subspan(pos_); }

  [[nodiscard]] Result<uint64_t> uint_le(size_t n, const char* what) {
    if (remaining() < n) return short_read(n, what);
    const uint64_t v = load_le(data_.data() + pos_, n);
    pos_ += n;
    return v;
  }
  [[nodiscard]] Result<uint64_t> uint_be(size_t n, const char* what) {
    if (remaining() < n) return short_read(n, what);
    const uint64_t v = load_be(data_.data() + pos_, n);
    pos_ += n;
    return v;
  }
  [[nodiscard]] Result<uint8_t> u8(const char* what) {
    return uint_le(1, what).map(
        [](uint64_t v) { return static_cast<uint8_t>(v); });
  }
  [[nodiscard]] Result<uint16_t> u16(const char* what) {
    return uint_le(2, what).map(
        [](uint64_t v) { return static_cast<uint16_t>(v); });
  }
  [[nodiscard]] Result<uint32_t> u32(const char* what) {
    return uint_le(4, what).map(
        [](uint64_t v) { return static_cast<uint32_t>(v); });
  }
  [[nodiscard]] Result<uint64_t> u64(const char* what) {
    return uint_le(8, what);
  }

  [[nodiscard]] Result<Bytes> bytes(size_t n, const char* what) {
    if (remaining() < n) return short_read(n, what);
    Bytes b = data_.subspan(pos_, n);
    pos_ += n;
    return b;
  }
  [[nodiscard]] Result<std::string_view> chars(size_t n, const char* what) {
    return bytes(n, what).map(as_chars);
  }
  [[nodiscard]] Status skip(size_t n, const char* what) {
    if (remaining() < n) return short_read(n, what);
    pos_ += n;
    return {};
  }

  // MySQL length-encoded integer: < 0xfb one byte, 0xfc + 2, 0xfd + 3, 0xfe
  // + 8.
  [[nodiscard]] Result<uint64_t> packed_int(const char* what);
  // A length-encoded integer followed by that many bytes.
  [[nodiscard]] Result<std::string_view> packed_chars(const char* what);

 private:
  [[nodiscard]] tl::unexpected<Error> short_read(size_t need,
                                                 const char* what) const;

  Bytes data_;
  size_t base_;
  size_t pos_ = 0;
};

}  // namespace sluice
