// Charset conversion to UTF-8: a charset glibc's iconv cannot open keeps the
// bytes visible and is not closed (fuzz_binlog_file found the double fault).
#include "codec/charset.h"

#include <catch2/catch.hpp>
#include <string>

namespace sluice::codec {
namespace {

TEST_CASE("a charset iconv cannot open falls back and is not closed",
          "[charset]") {
  const Charset bogus{"bogus", CharsetKind::kIconv, 2, "NO-SUCH-CHARSET-42"};
  std::string out;
  {
    Utf8Converter converter;
    converter.append(bogus, as_bytes(std::string_view("a\xe9")), out);
    converter.append(bogus, as_bytes(std::string_view("b")), out);
  }  // the destructor must skip the descriptor that never opened
  CHECK(out ==
        "a\xc3\xa9"
        "b");
}

TEST_CASE("an iconv charset converts, invalid bytes become U+FFFD",
          "[charset]") {
  const Charset gbk{"gbk", CharsetKind::kIconv, 2, "GBK"};
  Utf8Converter converter;
  std::string out;
  converter.append(gbk, as_bytes(std::string_view("\xc4\xe3\xba\xc3")), out);
  CHECK(out == "\xe4\xbd\xa0\xe5\xa5\xbd");  // 你好
  out.clear();
  converter.append(gbk, as_bytes(std::string_view("x\xff")), out);
  CHECK(out == "x\xef\xbf\xbd");
}

}  // namespace
}  // namespace sluice::codec
