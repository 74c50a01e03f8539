#include "codec/java_number.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>

namespace sluice::codec {
namespace {

// Lays out the shortest scientific form ("d.ddde±x" from to_chars) as Java.
void java_layout(std::string_view sci, bool negative, std::string& out) {
  const size_t e = sci.find('e');
  char digits[32];  // at most 17 significant digits
  size_t n = 0;
  for (char c : sci.substr(0, e)) {
    if (c != '.' && c != '-' && n < sizeof digits) digits[n++] = c;
  }
  int exp = 0;
  std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+' ? 1 : 0),
                  sci.data() + sci.size(), exp);
  while (n > 1 && digits[n - 1] == '0') --n;
  const std::string_view d(digits, n);
  if (negative) out.push_back('-');
  if (exp >= -3 && exp < 7) {
    if (exp < 0) {
      out += "0.";
      out.append(static_cast<size_t>(-exp - 1), '0');
      out += d;
      return;
    }
    const auto int_len = static_cast<size_t>(exp) + 1;
    if (n <= int_len) {
      out += d;
      out.append(int_len - n, '0');
      out += ".0";
    } else {
      out += d.substr(0, int_len);
      out.push_back('.');
      out += d.substr(int_len);
    }
    return;
  }
  out.push_back(d[0]);
  out.push_back('.');
  if (n > 1) {
    out += d.substr(1);
  } else {
    out.push_back('0');
  }
  out.push_back('E');
  out += std::to_string(exp);
}

template <class T>
void append_java(T v, std::string& out) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v < 0 ? "-Infinity" : "Infinity";
    return;
  }
  if (v == 0) {
    out += std::signbit(v) ? "-0.0" : "0.0";
    return;
  }
  // Java keeps two digits for the smallest subnormals, where the shortest
  // round-trip form has one.
  if (std::fabs(v) == std::numeric_limits<T>::denorm_min()) {
    if (std::signbit(v)) out.push_back('-');
    out += sizeof(T) == sizeof(float) ? "1.4E-45" : "4.9E-324";
    return;
  }
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(v),
                                 std::chars_format::scientific);
  java_layout(std::string_view(buf, static_cast<size_t>(res.ptr - buf)),
              std::signbit(v), out);
}

}  // namespace

void append_java_float(float v, std::string& out) { append_java(v, out); }
void append_java_double(double v, std::string& out) { append_java(v, out); }

}  // namespace sluice::codec
