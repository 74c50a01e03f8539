// Protocol Buffers wire format, written straight into a std::string that
// the caller reuses: varints, fixed tags, length-delimited fields and
// nested messages whose length is patched in once their content is
// written (https://protobuf.dev/programming-guides/encoding/). The codecs
// use it instead of generated classes so that encoding a row allocates
// nothing once the buffers have grown.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace sluice::codec {

class ProtoWriter {
 public:
  // Appends to `out`, which must outlive the writer.
  explicit ProtoWriter(std::string& out) : out_(&out) {}

  void varint(uint64_t v) {
    char buf[10];
    out_->append(buf, encode_varint(v, buf));
  }

  // int32/int64/enum/bool fields: a negative int32 is sign-extended to ten
  // bytes, as protobuf writes it.
  void int_field(uint32_t field, int64_t v) {
    tag(field, kVarint);
    varint(static_cast<uint64_t>(v));
  }
  void uint_field(uint32_t field, uint64_t v) {
    tag(field, kVarint);
    varint(v);
  }
  // sint32/sint64 fields: zigzag, so small negative numbers stay short.
  void sint_field(uint32_t field, int64_t v) {
    tag(field, kVarint);
    varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }
  void bool_field(uint32_t field, bool v) { int_field(field, v ? 1 : 0); }
  void float_field(uint32_t field, float v) {
    tag(field, kFixed32);
    fixed32(v);
  }
  // Appends a float as the 4 bytes of a packed repeated float's content.
  void fixed32(float v) {
    char buf[4];
    std::memcpy(buf, &v, 4);  // little endian on every target we build for
    out_->append(buf, 4);
  }
  void double_field(uint32_t field, double v) {
    tag(field, kFixed64);
    char buf[8];
    std::memcpy(buf, &v, 8);  // little endian on every target we build for
    out_->append(buf, 8);
  }
  void bytes_field(uint32_t field, std::string_view v) {
    tag(field, kLength);
    varint(v.size());
    out_->append(v);
  }

  // A length-delimited field whose content the caller appends to the
  // buffer next (with this writer or directly); end() writes its length.
  // Nest freely: each begin() returns the mark its end() takes.
  [[nodiscard]] size_t begin(uint32_t field) {
    tag(field, kLength);
    out_->push_back('\0');  // one byte of length, widened in end() if needed
    return out_->size();
  }
  void end(size_t mark) {
    const size_t len = out_->size() - mark;
    if (len < 0x80) {
      (*out_)[mark - 1] = static_cast<char>(len);
      return;
    }
    char buf[10];
    const size_t n = encode_varint(len, buf);
    out_->insert(mark, n - 1, '\0');
    std::memcpy(out_->data() + mark - 1, buf, n);
  }

  [[nodiscard]] std::string& buffer() { return *out_; }

 private:
  enum WireType : uint32_t {
    kVarint = 0,
    kFixed64 = 1,
    kLength = 2,
    kFixed32 = 5
  };
  void tag(uint32_t field, WireType type) { varint((field << 3) | type); }
  static size_t encode_varint(uint64_t v, char* buf) {
    size_t n = 0;
    while (v >= 0x80) {
      buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    buf[n++] = static_cast<char>(v);
    return n;
  }

  std::string* out_;
};

}  // namespace sluice::codec
