#include "codec/json_escape.h"

#include <array>

#include "codec/charset.h"

namespace sluice::codec {
namespace {

// 0: copy as is; 1: escape; 2: non-ASCII (UTF-8 lead/continuation byte).
constexpr std::array<uint8_t, 256> make_classes() {
  std::array<uint8_t, 256> t{};
  for (size_t c = 0; c < 0x20; ++c) t[c] = 1;
  t['"'] = 1;
  t['\\'] = 1;
  for (size_t c = 0x80; c < 0x100; ++c) t[c] = 2;
  return t;
}
constexpr std::array<uint8_t, 256> kClass = make_classes();

void append_escape(unsigned char c, std::string& out) {
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default: {
      static constexpr char kHex[] = "0123456789abcdef";
      const char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      out.append(u, 6);
    }
  }
}

}  // namespace

void append_json_string(std::string_view utf8, std::string& out) {
  out.push_back('"');
  size_t start = 0;
  for (size_t i = 0; i < utf8.size(); ++i) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (kClass[c] != 1) continue;
    out.append(utf8, start, i - start);
    start = i + 1;
    append_escape(c, out);
  }
  out.append(utf8, start, utf8.size() - start);
  out.push_back('"');
}

void append_json_escaped_utf8(Bytes bytes, std::string& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  size_t start = 0;
  size_t i = 0;
  while (i < n) {
    const uint8_t cls = kClass[p[i]];
    if (cls == 0) {
      ++i;
      continue;
    }
    if (cls == 2) {
      const size_t len = utf8_length(p + i, n - i);
      if (len != 0) {
        i += len;
        continue;
      }
    }
    out.append(reinterpret_cast<const char*>(p + start), i - start);
    if (cls == 1) {
      append_escape(p[i], out);
    } else {
      append_code_point(0xFFFD, out);
    }
    start = ++i;
  }
  out.append(reinterpret_cast<const char*>(p + start), n - start);
}

void append_json_escaped_latin1(Bytes bytes, std::string& out) {
  for (std::byte b : bytes) {
    const auto c = static_cast<unsigned char>(b);
    if (kClass[c] == 1) {
      append_escape(c, out);
    } else {
      append_code_point(c, out);
    }
  }
}

}  // namespace sluice::codec
