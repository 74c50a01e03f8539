// MySQL/MariaDB collation ids -> character sets, and conversion of column
// bytes to UTF-8 for JSON output (DESIGN §6: non-UTF-8 charsets are converted;
// binary bytes map 1:1 to U+0000..U+00FF as canal's ISO-8859-1 does).
// Ids: MariaDB information_schema.COLLATIONS (10.11) and MySQL 8's additions
// (76 utf8mb3_tolower_ci, 248-250 gb18030, 255-323 utf8mb4_0900_*).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/bytes.h"

namespace sluice::codec {

enum class CharsetKind : uint8_t {
  kUnknown,  // id not in the tables: treated as UTF-8, invalid bytes -> U+FFFD
  kUtf8,     // utf8mb3 / utf8mb4
  kBinary,   // the binary pseudo-charset (BINARY, VARBINARY, BLOB)
  kLatin1,   // MySQL's latin1 is Windows-1252 with 0x81/8D/8F/90/9D kept
  kAscii,
  kIconv,  // converted through glibc iconv using `iconv_name`
};

struct Charset {
  std::string_view name;  // "utf8mb4", "latin1", ...
  CharsetKind kind;
  uint8_t mbmaxlen;        // bytes per character at most
  const char* iconv_name;  // for kIconv
};

// The charset of collation `id` (0 = not known -> kUnknown).
[[nodiscard]] const Charset& charset_of_collation(uint32_t id, bool mariadb);

// Converts text to UTF-8 by charset, reusing iconv descriptors. One instance
// per thread.
class Utf8Converter {
 public:
  Utf8Converter() = default;
  Utf8Converter(const Utf8Converter&) = delete;
  Utf8Converter& operator=(const Utf8Converter&) = delete;
  ~Utf8Converter();

  // Appends `bytes` as UTF-8 to `out`. Bytes that do not decode in `cs`
  // become U+FFFD, as a Java decoder (canal) would do.
  void append(const Charset& cs, Bytes bytes, std::string& out);

 private:
  void append_iconv(const Charset& cs, Bytes bytes, std::string& out);
  std::unordered_map<const char*, void*> iconv_;  // iconv_t by iconv name
};

// Appends each byte as the code point of the same value, in UTF-8.
void append_iso8859_1(Bytes bytes, std::string& out);
// Appends valid UTF-8 unchanged and each invalid byte as U+FFFD.
void append_valid_utf8(Bytes bytes, std::string& out);
// Length of the valid UTF-8 sequence (1-4 bytes, no overlongs, surrogates or
// code points past U+10FFFF) at p, or 0 if the bytes there are not one.
[[nodiscard]] size_t utf8_length(const unsigned char* p, size_t left);
// Appends the UTF-8 encoding of code point `cp`.
void append_code_point(uint32_t cp, std::string& out);

}  // namespace sluice::codec
