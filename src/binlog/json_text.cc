#include "binlog/json_text.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>

#include "binlog/decimal.h"
#include "common/byte_reader.h"

namespace sluice::binlog {
namespace {

// my_gcvt() picks plain notation for decimal-point positions in this range
// (MAX_DECPT_FOR_F_FORMAT = DBL_DIG = 15 in include/mysql/strings/dtoa.h).
constexpr int kMinPlainDecpt = -14;
constexpr int kMaxPlainDecpt = 15;

constexpr std::string_view kHexDigits = "0123456789abcdef";
constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr size_t kBase64LineChars = 76;

void append_uint(uint64_t v, std::string& out) {
  std::array<char, 20> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  out.append(buf.data(), res.ptr);
}

// Appends v in decimal, left-padded with zeros to at least `width` digits.
void append_padded(uint64_t v, size_t width, std::string& out) {
  std::array<char, 20> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  const auto len = static_cast<size_t>(res.ptr - buf.data());
  if (len < width) out.append(width - len, '0');
  out.append(buf.data(), len);
}

// The broken-down fields of MySQL's packed temporal int64 (my_time.cc).
struct PackedTemporal {
  bool negative = false;
  uint64_t year = 0, month = 0, day = 0;
  uint64_t hour = 0, minute = 0, second = 0, micro = 0;
};

constexpr uint64_t kFracBits = 24;
constexpr size_t kPackedTemporalBytes = 8;

// TIME_from_longlong_datetime_packed(): the integer part holds
// ((year * 13 + month) << 5 | day) << 17 | hour << 12 | minute << 6 | second.
PackedTemporal unpack_datetime(int64_t packed) {
  PackedTemporal t;
  t.negative = packed < 0;
  const uint64_t mag = t.negative ? 0 - static_cast<uint64_t>(packed)
                                  : static_cast<uint64_t>(packed);
  t.micro = mag % (uint64_t{1} << kFracBits);
  const uint64_t ymdhms = mag >> kFracBits;
  const uint64_t ymd = ymdhms >> 17;
  const uint64_t ym = ymd >> 5;
  const uint64_t hms = ymdhms % (uint64_t{1} << 17);
  t.day = ymd % (1 << 5);
  t.month = ym % 13;
  t.year = ym / 13;
  t.second = hms % (1 << 6);
  t.minute = (hms >> 6) % (1 << 6);
  t.hour = hms >> 12;
  return t;
}

// TIME_from_longlong_time_packed(): hour (10 bits) << 12 | minute << 6 |
// second, with the sign of the whole value.
PackedTemporal unpack_time(int64_t packed) {
  PackedTemporal t;
  t.negative = packed < 0;
  const uint64_t mag = t.negative ? 0 - static_cast<uint64_t>(packed)
                                  : static_cast<uint64_t>(packed);
  t.micro = mag % (uint64_t{1} << kFracBits);
  const uint64_t hms = mag >> kFracBits;
  t.hour = (hms >> 12) % (1 << 10);
  t.minute = (hms >> 6) % (1 << 6);
  t.second = hms % (1 << 6);
  return t;
}

void append_date(const PackedTemporal& t, std::string& out) {
  append_padded(t.year, 4, out);
  out.push_back('-');
  append_padded(t.month, 2, out);
  out.push_back('-');
  append_padded(t.day, 2, out);
}

void append_clock(const PackedTemporal& t, std::string& out) {
  append_padded(t.hour, 2, out);
  out.push_back(':');
  append_padded(t.minute, 2, out);
  out.push_back(':');
  append_padded(t.second, 2, out);
  out.push_back('.');
  append_padded(t.micro, 6, out);
}

[[nodiscard]] Status append_temporal(uint8_t field_type, Bytes data,
                                     bool quoted, std::string& out) {
  if (data.size() != kPackedTemporalBytes) {
    return make_error(Errc::kCorrupt,
                      "json opaque temporal value of field type " +
                          std::to_string(field_type) +
                          ": expected 8 bytes, got " +
                          std::to_string(data.size()));
  }
  ByteReader reader(data);
  SLUICE_ASSIGN_OR_RETURN(const uint64_t raw,
                          reader.u64("json opaque temporal value"));
  const auto packed = static_cast<int64_t>(raw);
  if (quoted) out.push_back('"');
  if (field_type == kFieldTypeTime) {
    const PackedTemporal t = unpack_time(packed);
    if (t.negative) out.push_back('-');
    append_clock(t, out);
  } else {
    const PackedTemporal t = unpack_datetime(packed);
    append_date(t, out);
    if (field_type != kFieldTypeDate) {
      out.push_back(' ');
      append_clock(t, out);
    }
  }
  if (quoted) out.push_back('"');
  return {};
}

[[nodiscard]] Status append_decimal(Bytes data, std::string& out) {
  ByteReader reader(data);
  SLUICE_ASSIGN_OR_RETURN(const uint8_t precision,
                          reader.u8("json opaque decimal precision"));
  SLUICE_ASSIGN_OR_RETURN(const uint8_t scale,
                          reader.u8("json opaque decimal scale"));
  auto status = decimal_to_text(reader.rest(), precision, scale, out);
  if (!status) {
    return tl::unexpected(
        with_context(std::move(status.error()), "json opaque decimal"));
  }
  return {};
}

// base64_encode() of mysys/base64.cc, which starts a new line after every 76
// output characters; inside a quoted JSON string the newline is escaped.
void append_base64(Bytes data, bool quoted, std::string& out) {
  size_t line = 0;
  for (size_t i = 0; i < data.size(); i += 3) {
    if (line == kBase64LineChars) {
      out.append(quoted ? "\\n" : "\n");
      line = 0;
    }
    const size_t n = std::min<size_t>(3, data.size() - i);
    uint32_t c = 0;
    for (size_t k = 0; k < 3; ++k) {
      c = (c << 8) | (k < n ? load_u8(data.data() + i + k) : 0U);
    }
    out.push_back(kBase64Alphabet[(c >> 18) & 0x3f]);
    out.push_back(kBase64Alphabet[(c >> 12) & 0x3f]);
    out.push_back(n > 1 ? kBase64Alphabet[(c >> 6) & 0x3f] : '=');
    out.push_back(n > 2 ? kBase64Alphabet[c & 0x3f] : '=');
    line += 4;
  }
}

}  // namespace

void append_json_quoted(std::string_view s, std::string& out) {
  out.push_back('"');
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c > 0x1f && c != '"' && c != '\\') continue;
    out.append(s.substr(run, i - run));
    run = i + 1;
    out.push_back('\\');
    switch (c) {
      case '\b':
        out.push_back('b');
        break;
      case '\f':
        out.push_back('f');
        break;
      case '\n':
        out.push_back('n');
        break;
      case '\r':
        out.push_back('r');
        break;
      case '\t':
        out.push_back('t');
        break;
      case '"':
      case '\\':
        out.push_back(static_cast<char>(c));
        break;
      default:
        out.append("u00");
        out.push_back(kHexDigits[c >> 4]);
        out.push_back(kHexDigits[c & 0xf]);
        break;
    }
  }
  out.append(s.substr(run));
  out.push_back('"');
}

void append_json_double(double d, std::string& out) {
  // dtoa() reports infinities and NaN as overflow; my_gcvt() then prints "0".
  if (!std::isfinite(d)) {
    out.append("0.0");
    return;
  }
  // Shortest round-trip digits, as dtoa() mode 4 yields for the field width
  // MySQL passes (MY_GCVT_MAX_FIELD_WIDTH, well above 17 digits).
  std::array<char, 32> sci{};
  const auto res = std::to_chars(sci.data(), sci.data() + sci.size(), d,
                                 std::chars_format::scientific);
  const std::string_view text(sci.data(),
                              static_cast<size_t>(res.ptr - sci.data()));
  const bool negative = text.front() == '-';
  const size_t e_pos = text.find('e');
  std::array<char, 32> digits{};
  size_t len = 0;
  for (size_t i = negative ? 1 : 0; i < e_pos; ++i) {
    if (text[i] != '.') digits[len++] = text[i];
  }
  int exponent = 0;
  const char* exp_begin = text.data() + e_pos + 1;
  if (*exp_begin == '+') ++exp_begin;
  std::from_chars(exp_begin, text.data() + text.size(), exponent);
  // dtoa's decpt: the value is 0.<digits> * 10^decpt.
  const int decpt = exponent + 1;
  const auto ilen = static_cast<int>(len);

  if (negative) out.push_back('-');
  if ((decpt >= kMinPlainDecpt && decpt <= kMaxPlainDecpt) ||
      (decpt > kMaxPlainDecpt && ilen > decpt)) {
    if (decpt <= 0) {
      out.append("0.");
      out.append(static_cast<size_t>(-decpt), '0');
      out.append(digits.data(), len);
    } else if (decpt < ilen) {
      const auto point = static_cast<size_t>(decpt);
      out.append(digits.data(), point);
      out.push_back('.');
      out.append(digits.data() + point, len - point);
    } else {
      out.append(digits.data(), len);
      out.append(static_cast<size_t>(decpt - ilen), '0');
      out.append(".0");
    }
    return;
  }
  out.push_back(digits[0]);
  if (len > 1) {
    out.push_back('.');
    out.append(digits.data() + 1, len - 1);
  }
  out.push_back('e');
  int shown = decpt - 1;
  if (shown < 0) {
    out.push_back('-');
    shown = -shown;
  }
  append_uint(static_cast<uint64_t>(shown), out);
}

Status append_json_opaque(uint8_t field_type, Bytes data, bool quoted,
                          std::string& out) {
  switch (field_type) {
    case kFieldTypeNewDecimal:
      return append_decimal(data, out);
    case kFieldTypeDate:
    case kFieldTypeTime:
    case kFieldTypeDatetime:
    case kFieldTypeTimestamp:
      return append_temporal(field_type, data, quoted, out);
    case kFieldTypeVarString:
      // wrapper_to_string() prints strings kept in opaques as JSON strings.
      if (quoted) {
        append_json_quoted(as_chars(data), out);
      } else {
        out.append(as_chars(data));
      }
      return {};
    default:
      break;
  }
  if (quoted) out.push_back('"');
  out.append("base64:type");
  append_uint(field_type, out);
  out.push_back(':');
  append_base64(data, quoted, out);
  if (quoted) out.push_back('"');
  return {};
}

}  // namespace sluice::binlog
