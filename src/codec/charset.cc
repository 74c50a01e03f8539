#include "codec/charset.h"

#include <iconv.h>

#include <array>
#include <cerrno>

#include "common/text.h"

namespace sluice::codec {
namespace {

constexpr Charset kCharsets[] = {
    {"unknown", CharsetKind::kUnknown, 1, nullptr},
    {"armscii8", CharsetKind::kIconv, 1, "ARMSCII-8"},
    {"ascii", CharsetKind::kAscii, 1, nullptr},
    {"big5", CharsetKind::kIconv, 2, "BIG5"},
    {"binary", CharsetKind::kBinary, 1, nullptr},
    {"cp1250", CharsetKind::kIconv, 1, "CP1250"},
    {"cp1251", CharsetKind::kIconv, 1, "CP1251"},
    {"cp1256", CharsetKind::kIconv, 1, "CP1256"},
    {"cp1257", CharsetKind::kIconv, 1, "CP1257"},
    {"cp850", CharsetKind::kIconv, 1, "CP850"},
    {"cp852", CharsetKind::kIconv, 1, "CP852"},
    {"cp866", CharsetKind::kIconv, 1, "CP866"},
    {"cp932", CharsetKind::kIconv, 2, "CP932"},
    {"dec8", CharsetKind::kIconv, 1, "DEC-MCS"},
    {"eucjpms", CharsetKind::kIconv, 3, "EUC-JP-MS"},
    {"euckr", CharsetKind::kIconv, 2, "EUC-KR"},
    {"gb2312", CharsetKind::kIconv, 2, "GB2312"},
    {"gbk", CharsetKind::kIconv, 2, "GBK"},
    {"geostd8", CharsetKind::kIconv, 1, "GEORGIAN-PS"},
    {"greek", CharsetKind::kIconv, 1, "ISO-8859-7"},
    {"hebrew", CharsetKind::kIconv, 1, "ISO-8859-8"},
    {"hp8", CharsetKind::kIconv, 1, "HP-ROMAN8"},
    {"keybcs2", CharsetKind::kIconv, 1, "CP895"},
    {"koi8r", CharsetKind::kIconv, 1, "KOI8-R"},
    {"koi8u", CharsetKind::kIconv, 1, "KOI8-U"},
    {"latin1", CharsetKind::kLatin1, 1, nullptr},
    {"latin2", CharsetKind::kIconv, 1, "ISO-8859-2"},
    {"latin5", CharsetKind::kIconv, 1, "ISO-8859-9"},
    {"latin7", CharsetKind::kIconv, 1, "ISO-8859-13"},
    {"macce", CharsetKind::kIconv, 1, "MAC-CENTRALEUROPE"},
    {"macroman", CharsetKind::kIconv, 1, "MACINTOSH"},
    {"sjis", CharsetKind::kIconv, 2, "SHIFT_JIS"},
    {"swe7", CharsetKind::kIconv, 1, "SEN_850200_B"},
    {"tis620", CharsetKind::kIconv, 1, "TIS-620"},
    {"ucs2", CharsetKind::kIconv, 2, "UCS-2BE"},
    {"ujis", CharsetKind::kIconv, 3, "EUC-JP"},
    {"utf16", CharsetKind::kIconv, 4, "UTF-16BE"},
    {"utf16le", CharsetKind::kIconv, 4, "UTF-16LE"},
    {"utf32", CharsetKind::kIconv, 4, "UTF-32BE"},
    {"utf8mb3", CharsetKind::kUtf8, 3, nullptr},
    {"utf8mb4", CharsetKind::kUtf8, 4, nullptr},
    {"gb18030", CharsetKind::kIconv, 4, "GB18030"},
};

// Index into kCharsets for collation ids 0..255 (MariaDB 10.11 numbering;
// MySQL 8 entries for 76, 248-250 and 255 filled in where MariaDB has none).
constexpr std::array<uint8_t, 256> kLowIds = {
    0,  3,  26, 13, 9,  25, 21, 23, 25, 26, 32, 2,  35, 31, 6,  25, 20, 0,  33,
    15, 28, 26, 24, 6,  16, 19, 5,  26, 17, 8,  27, 25, 1,  39, 5,  34, 11, 22,
    29, 30, 10, 28, 28, 29, 5,  40, 40, 25, 25, 25, 6,  6,  6,  30, 36, 36, 37,
    7,  8,  8,  38, 38, 37, 4,  1,  2,  5,  7,  11, 13, 19, 20, 21, 22, 23, 24,
    39, 26, 27, 28, 9,  10, 32, 39, 3,  15, 16, 17, 31, 33, 34, 35, 18, 18, 25,
    12, 12, 14, 14, 5,  0,  36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36,
    36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 0,  0,  0,  34, 34, 34, 34, 34,
    34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34, 34,
    0,  0,  0,  0,  0,  0,  0,  34, 38, 38, 38, 38, 38, 38, 38, 38, 38, 38, 38,
    38, 38, 38, 38, 38, 38, 38, 38, 38, 38, 38, 38, 38, 0,  0,  0,  0,  0,  0,
    0,  0,  39, 39, 39, 39, 39, 39, 39, 39, 39, 39, 39, 39, 39, 39, 39, 39, 39,
    39, 39, 39, 39, 39, 39, 39, 0,  0,  0,  0,  0,  0,  0,  39, 40, 40, 40, 40,
    40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40,
    40, 41, 41, 41, 0,  0,  0,  0,  40};

constexpr size_t kUtf8mb3 = 39;
constexpr size_t kUtf8mb4 = 40;

// Windows-1252 0x80..0x9F as MySQL's latin1 maps them.
constexpr std::array<uint16_t, 32> kLatin1High = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

size_t charset_index(uint32_t id, bool mariadb) {
  if (id < 256) return kLowIds[id];
  if (!mariadb) return id <= 323 ? kUtf8mb4 : 0;
  if (id >= 1024 && id < 1280) return kLowIds[id - 1024];
  if (id >= 576 && id <= 578) return kUtf8mb3;
  if (id >= 608 && id <= 610) return kUtf8mb4;
  if (id >= 640 && id <= 642) return 34;  // ucs2
  if (id >= 672 && id <= 674) return 36;  // utf16
  if (id >= 736 && id <= 738) return 38;  // utf32
  return 0;
}

}  // namespace

size_t utf8_length(const unsigned char* p, size_t left) {
  const unsigned c = p[0];
  if (c >= 0xC2 && c <= 0xDF) {
    return left >= 2 && (p[1] & 0xC0U) == 0x80U ? 2 : 0;
  }
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 3 || (p[1] & 0xC0U) != 0x80U || (p[2] & 0xC0U) != 0x80U)
      return 0;
    if (c == 0xE0 && p[1] < 0xA0) return 0;   // overlong
    if (c == 0xED && p[1] >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 4 || (p[1] & 0xC0U) != 0x80U || (p[2] & 0xC0U) != 0x80U ||
        (p[3] & 0xC0U) != 0x80U) {
      return 0;
    }
    if (c == 0xF0 && p[1] < 0x90) return 0;   // overlong
    if (c == 0xF4 && p[1] >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

const Charset& charset_of_collation(uint32_t id, bool mariadb) {
  return kCharsets[charset_index(id, mariadb)];
}

void append_code_point(uint32_t cp, std::string& out) { append_utf8(cp, out); }

void append_iso8859_1(Bytes bytes, std::string& out) {
  for (std::byte b : bytes) append_code_point(static_cast<uint8_t>(b), out);
}

void append_valid_utf8(Bytes bytes, std::string& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t size = bytes.size();
  size_t i = 0;
  while (i < size) {
    size_t run = i;
    while (run < size && p[run] < 0x80) ++run;
    out.append(reinterpret_cast<const char*>(p + i), run - i);
    i = run;
    if (i == size) break;
    const size_t n = utf8_length(p + i, size - i);
    if (n == 0) {
      append_code_point(0xFFFD, out);
      ++i;
    } else {
      out.append(reinterpret_cast<const char*>(p + i), n);
      i += n;
    }
  }
}

Utf8Converter::~Utf8Converter() {
  // nullptr marks a charset glibc could not open: nothing to close.
  for (auto& [name, cd] : iconv_) {
    if (cd != nullptr) iconv_close(static_cast<iconv_t>(cd));
  }
}

void Utf8Converter::append(const Charset& cs, Bytes bytes, std::string& out) {
  switch (cs.kind) {
    case CharsetKind::kUtf8:
    case CharsetKind::kUnknown:
    case CharsetKind::kAscii:
      append_valid_utf8(bytes, out);
      return;
    case CharsetKind::kBinary:
      append_iso8859_1(bytes, out);
      return;
    case CharsetKind::kLatin1:
      for (std::byte b : bytes) {
        const auto c = static_cast<uint8_t>(b);
        append_code_point(c >= 0x80 && c < 0xA0 ? kLatin1High[c - 0x80U] : c,
                          out);
      }
      return;
    case CharsetKind::kIconv:
      append_iconv(cs, bytes, out);
      return;
  }
}

void Utf8Converter::append_iconv(const Charset& cs, Bytes bytes,
                                 std::string& out) {
  auto it = iconv_.find(cs.iconv_name);
  if (it == iconv_.end()) {
    iconv_t cd = iconv_open("UTF-8", cs.iconv_name);
    it = iconv_
             .emplace(cs.iconv_name,
                      cd == reinterpret_cast<iconv_t>(-1) ? nullptr : cd)
             .first;
  }
  if (it->second ==
      nullptr) {  // glibc lacks this charset: keep the bytes visible
    append_iso8859_1(bytes, out);
    return;
  }
  auto* cd = static_cast<iconv_t>(it->second);
  iconv(cd, nullptr, nullptr, nullptr, nullptr);
  char* in = const_cast<char*>(reinterpret_cast<const char*>(bytes.data()));
  size_t in_left = bytes.size();
  char buf[1024];
  while (in_left > 0) {
    char* o = buf;
    size_t o_left = sizeof buf;
    const size_t rc = iconv(cd, &in, &in_left, &o, &o_left);
    out.append(buf, sizeof buf - o_left);
    if (rc == static_cast<size_t>(-1) && errno != E2BIG) {
      append_code_point(0xFFFD, out);  // invalid or incomplete input byte
      ++in;
      --in_left;
      iconv(cd, nullptr, nullptr, nullptr, nullptr);
    }
  }
}

}  // namespace sluice::codec
