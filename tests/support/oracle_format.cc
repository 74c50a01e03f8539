#include "support/oracle_format.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "binlog/column_type.h"
#include "binlog/decimal.h"
#include "common/bytes.h"

namespace sluice::testing {
namespace {

using binlog::ColumnType;
using binlog::ValueKind;

unsigned int_bits(ColumnType type) {
  switch (type) {
    case ColumnType::kTiny:
      return 8;
    case ColumnType::kShort:
      return 16;
    case ColumnType::kInt24:
      return 24;
    case ColumnType::kLong:
      return 32;
    default:
      return 64;
  }
}

// "<signed>" and, when negative, " (<unsigned>)" for the low `bits` bits of
// `raw`: the tool's my_b_write_sint32_and_uint32 and its LONGLONG twin.
std::string int_text(uint64_t raw, unsigned bits) {
  const int64_t value = sign_extend(raw, bits);
  std::string out = std::to_string(value);
  if (value < 0) {
    const uint64_t mask = bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
    out += " (" + std::to_string(raw & mask) + ")";
  }
  return out;
}

// ".ffffff" cut to `digits` digits, or nothing for 0 digits.
std::string fraction(uint32_t micros, unsigned digits) {
  if (digits == 0) return "";
  if (digits > 6) digits = 6;
  uint32_t scaled = micros;
  for (unsigned i = digits; i < 6; ++i) scaled /= 10;
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, ".%0*u", static_cast<int>(digits),
                scaled);
  return buffer;
}

// The tool's my_b_write_quoted: bytes below 0x20 as \xNN, all others raw.
std::string quote_like_tool(Bytes raw) {
  std::string out = "'";
  out.reserve(raw.size() + 2);
  for (const std::byte b : raw) {
    const auto c = static_cast<unsigned char>(b);
    if (c > 0x1f) {
      out += static_cast<char>(c);
    } else {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", static_cast<unsigned>(c));
      out += buffer;
    }
  }
  out += '\'';
  return out;
}

std::string date_text(const binlog::Temporal& t) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "'%04u:%02u:%02u'", t.year, t.month,
                t.day);
  return buffer;
}

std::string time_text(const binlog::Temporal& t, unsigned digits) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%s%02u:%02u:%02u",
                t.negative ? "-" : "", t.hour, t.minute, t.second);
  return "'" + std::string(buffer) + fraction(t.micros, digits) + "'";
}

std::string datetime_text(const binlog::Temporal& t, unsigned digits) {
  char buffer[80];
  std::snprintf(buffer, sizeof buffer, "%04u-%02u-%02u %02u:%02u:%02u", t.year,
                t.month, t.day, t.hour, t.minute, t.second);
  return "'" + std::string(buffer) + fraction(t.micros, digits) + "'";
}

// The number a b'...' bit string stands for: big-endian for BIT, bytes in
// storage (little-endian) order for SET. nullopt if it is not one.
std::optional<uint64_t> bits_value(std::string_view bits, bool little_endian) {
  if (bits.empty() || bits.size() > 64) return std::nullopt;
  if (little_endian && bits.size() % 8 != 0) return std::nullopt;
  uint64_t value = 0;
  for (size_t i = 0; i < bits.size(); ++i) {
    if (bits[i] != '0' && bits[i] != '1') return std::nullopt;
    if (bits[i] == '0') continue;
    const size_t bit =
        little_endian ? (i / 8) * 8 + (7 - i % 8) : bits.size() - 1 - i;
    value |= uint64_t{1} << bit;
  }
  return value;
}

std::optional<double> parse_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

// `theirs` is our FLOAT as "%g" printed it: 6 significant digits, so equal
// means within half a unit of its last digit (a rounding up to the next power
// of ten only widens that unit).
bool float_matches(double ours, double theirs) {
  if (theirs == 0) return ours == 0;
  const double unit =
      std::pow(10.0, std::floor(std::log10(std::fabs(theirs))) - 5);
  return std::fabs(ours - theirs) <= 0.5 * unit * (1 + 1e-9);
}

}  // namespace

std::string format_value(const binlog::Value& value,
                         const binlog::ColumnDef& column) {
  const ColumnType type = column.real_type;
  switch (value.kind) {
    case ValueKind::kAbsent:
      return "<absent>";
    case ValueKind::kNull:
      return "NULL";
    case ValueKind::kSigned:
      return int_text(static_cast<uint64_t>(value.i), int_bits(type));
    case ValueKind::kUnsigned:
      return int_text(value.u, int_bits(type));
    case ValueKind::kFloat:
    case ValueKind::kDouble: {
      char buffer[64];
      std::snprintf(buffer, sizeof buffer,
                    value.kind == ValueKind::kFloat ? "%.9g" : "%.17g",
                    value.d);
      return buffer;
    }
    case ValueKind::kDecimal: {
      std::string text;
      const Status status = binlog::decimal_to_text(value.raw, column.precision,
                                                    column.scale, text);
      if (!status) return "<decimal error: " + status.error().message + ">";
      return text;
    }
    case ValueKind::kBit:
    case ValueKind::kEnum:
    case ValueKind::kSet:
      return std::to_string(value.u);
    case ValueKind::kYear: {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%04lld",
                    static_cast<long long>(value.i));
      return buffer;
    }
    case ValueKind::kDate:
      return date_text(value.t);
    case ValueKind::kTime:
      return time_text(value.t, type == ColumnType::kTime2 ? column.scale : 0U);
    case ValueKind::kDateTime:
      return datetime_text(value.t,
                           type == ColumnType::kDateTime2 ? column.scale : 0U);
    case ValueKind::kTimestamp:
      return std::to_string(value.i) +
             fraction(value.t.micros,
                      type == ColumnType::kTimestamp2 ? column.scale : 0U);
    case ValueKind::kString:
    case ValueKind::kCompressedString:  // the tool prints the stored bytes
    case ValueKind::kGeometry:
      return quote_like_tool(value.raw);
    case ValueKind::kJson:
      return "<MySQL JSON>";
    case ValueKind::kJsonDiff:
      return "<JSON diff>";
    case ValueKind::kVector:
      return "<VECTOR>";
  }
  return "<unknown value kind>";
}

std::string normalise_oracle_value(const OracleValue& value) {
  if (value.is_null) return "NULL";
  const std::string_view type = value.comment;
  if (type.starts_with("BIT(") || type.starts_with("SET(")) {
    const auto number = bits_value(value.text, type.starts_with("SET("));
    if (!number) return "<bad bit string " + value.printed + ">";
    return std::to_string(*number);
  }
  if (type.starts_with("YEAR ")) {
    return value.text == "1900" ? "0000" : value.text;
  }
  if (type.starts_with("TIMESTAMP ")) {
    // The pre-5.6 TIMESTAMP: an unsigned 32-bit count printed with "%d".
    char* end = nullptr;
    long long seconds = std::strtoll(value.text.c_str(), &end, 10);
    if (end != value.text.c_str() + value.text.size()) return value.printed;
    if (seconds < 0) seconds += 1LL << 32;
    return std::to_string(seconds);
  }
  return value.printed;
}

ValueMatch match_value(const binlog::Value& value,
                       const binlog::ColumnDef& column,
                       const OracleValue& oracle) {
  ValueMatch match{false, format_value(value, column),
                   normalise_oracle_value(oracle)};
  if (match.ours == match.theirs) {
    match.equal = true;
    return match;
  }
  const bool is_float = value.kind == ValueKind::kFloat &&
                        std::string_view(oracle.comment).starts_with("FLOAT ");
  const bool is_double =
      value.kind == ValueKind::kDouble &&
      std::string_view(oracle.comment).starts_with("DOUBLE ");
  if (oracle.is_null || (!is_float && !is_double)) return match;
  const auto ours = parse_number(match.ours);
  const auto theirs = parse_number(match.theirs);
  if (!ours || !theirs) return match;
  // "%.20g" round-trips a double, so its text parses back to the same value.
  match.equal = is_float ? float_matches(*ours, *theirs) : *ours == *theirs;
  return match;
}

std::string printable(std::string_view text) {
  constexpr size_t kShown = 160;
  std::string out;
  for (size_t i = 0; i < text.size() && i < kShown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7f) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", static_cast<unsigned>(c));
      out += buffer;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > kShown) {
    out += "... (" + std::to_string(text.size()) + " bytes)";
  }
  return out;
}

}  // namespace sluice::testing
