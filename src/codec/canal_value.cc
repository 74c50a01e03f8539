#include "codec/canal_value.h"

#include <bit>
#include <charconv>
#include <cstring>
#include <ctime>

#include "binlog/decimal.h"
#include "binlog/decompress.h"
#include "binlog/json_binary.h"
#include "binlog/json_diff.h"
#include "codec/java_number.h"
#include "codec/json_escape.h"

namespace sluice::codec {
namespace {

using binlog::ColumnDef;
using binlog::ColumnType;
using binlog::Temporal;
using binlog::Value;
using binlog::ValueKind;

void append_digits(uint64_t v, int width, std::string& out) {
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  const auto n = static_cast<int>(end - buf);
  if (n < width) out.append(static_cast<size_t>(width - n), '0');
  out.append(buf, end);
}

// Writes v as exactly `width` zero-padded digits at p; returns p + width.
char* put_digits(char* p, uint32_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return p + width;
}

// "yyyy-MM-dd HH:mm:ss[.f...]" into buf (at least 32 bytes); returns length.
size_t format_datetime(const Temporal& t, unsigned fsp, char* buf) {
  char* p = put_digits(buf, t.year, 4);
  *p++ = '-';
  p = put_digits(p, t.month, 2);
  *p++ = '-';
  p = put_digits(p, t.day, 2);
  *p++ = ' ';
  p = put_digits(p, t.hour, 2);
  *p++ = ':';
  p = put_digits(p, t.minute, 2);
  *p++ = ':';
  p = put_digits(p, t.second, 2);
  if (fsp > 0) {
    char frac[6];
    put_digits(frac, t.micros, 6);
    *p++ = '.';
    for (unsigned i = 0; i < fsp; ++i) *p++ = frac[i];
  }
  return static_cast<size_t>(p - buf);
}

// Two zero-padded digits (0..99).
void append_2(uint32_t v, std::string& out) {
  const char d[2] = {static_cast<char>('0' + v / 10 % 10),
                     static_cast<char>('0' + v % 10)};
  out.append(d, 2);
}

void append_fraction(uint32_t micros, unsigned fsp, std::string& out) {
  if (fsp == 0) return;
  char buf[6];
  uint32_t v = micros;
  for (int i = 5; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.push_back('.');
  out.append(buf, fsp);
}

void append_date(const Temporal& t, std::string& out) {
  append_digits(t.year, 4, out);
  out.push_back('-');
  append_2(t.month, out);
  out.push_back('-');
  append_2(t.day, out);
}

void append_hms(uint32_t h, uint32_t m, uint32_t s, std::string& out) {
  append_digits(h, 2, out);
  out.push_back(':');
  append_2(m, out);
  out.push_back(':');
  append_2(s, out);
}

// Bits of storage for the unsigned correction canal applies.
unsigned int_bits(ColumnType t) {
  switch (t) {
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

}  // namespace

uint64_t unsigned_value(const ColumnDef& col, const Value& v) {
  const unsigned bits = int_bits(col.real_type);
  return bits == 64 ? v.u : v.u & ((uint64_t{1} << bits) - 1);
}

bool same_value(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case ValueKind::kAbsent:
    case ValueKind::kNull:
      return true;
    case ValueKind::kSigned:
    case ValueKind::kYear:
      return a.i == b.i;
    case ValueKind::kUnsigned:
    case ValueKind::kBit:
    case ValueKind::kEnum:
    case ValueKind::kSet:
      return a.u == b.u;
    case ValueKind::kFloat:
    case ValueKind::kDouble:
      return std::memcmp(&a.d, &b.d, sizeof a.d) == 0;
    case ValueKind::kTimestamp:
      return a.i == b.i && a.t.micros == b.t.micros;
    case ValueKind::kDate:
    case ValueKind::kTime:
    case ValueKind::kDateTime:
      return a.t.year == b.t.year && a.t.month == b.t.month &&
             a.t.day == b.t.day && a.t.hour == b.t.hour &&
             a.t.minute == b.t.minute && a.t.second == b.t.second &&
             a.t.micros == b.t.micros && a.t.negative == b.t.negative;
    case ValueKind::kDecimal:
    case ValueKind::kString:
    case ValueKind::kCompressedString:
    case ValueKind::kJson:
    case ValueKind::kJsonDiff:
    case ValueKind::kGeometry:
    case ValueKind::kVector:
      return a.raw.size() == b.raw.size() &&
             (a.raw.empty() ||
              std::memcmp(a.raw.data(), b.raw.data(), a.raw.size()) == 0);
  }
  return false;
}

bool is_binary_column(const ColumnDef& col, bool mariadb) {
  if (col.real_type == ColumnType::kGeometry) return true;
  const Charset& cs = charset_of_collation(col.collation, mariadb);
  if (cs.kind == CharsetKind::kBinary) return true;
  const bool blob = binlog::is_blob_type(col.real_type);
  return blob && col.collation == 0;
}

void CanalValueRenderer::append_timestamp(int64_t seconds, uint32_t micros,
                                          unsigned fsp, std::string& out) {
  if (seconds == 0) {
    out += "0000-00-00 00:00:00";
  } else {
    if (seconds != cached_second_) {
      const auto tt = static_cast<time_t>(seconds);
      struct tm tm {};
      localtime_r(&tt, &tm);
      std::string s;
      append_digits(static_cast<uint64_t>(tm.tm_year + 1900), 4, s);
      s.push_back('-');
      append_digits(static_cast<uint64_t>(tm.tm_mon + 1), 2, s);
      s.push_back('-');
      append_digits(static_cast<uint64_t>(tm.tm_mday), 2, s);
      s.push_back(' ');
      append_hms(static_cast<uint32_t>(tm.tm_hour),
                 static_cast<uint32_t>(tm.tm_min),
                 static_cast<uint32_t>(tm.tm_sec), s);
      s.copy(cached_text_, sizeof cached_text_ - 1);
      cached_second_ = seconds;
    }
    out.append(cached_text_, 19);
  }
  append_fraction(micros, fsp, out);
}

Status CanalValueRenderer::append(const ColumnDef& col, size_t index,
                                  const Value& v, const Value* before,
                                  std::string& out) {
  switch (v.kind) {
    case ValueKind::kAbsent:
    case ValueKind::kNull:
      return {};
    case ValueKind::kSigned:
      if (v.i < 0) out.push_back('-');
      append_digits(
          v.i < 0 ? 0 - static_cast<uint64_t>(v.i) : static_cast<uint64_t>(v.i),
          1, out);
      return {};
    case ValueKind::kUnsigned:
      append_digits(unsigned_value(col, v), 1, out);
      return {};
    case ValueKind::kFloat:
      append_java_float(static_cast<float>(v.d), out);
      return {};
    case ValueKind::kDouble:
      append_java_double(v.d, out);
      return {};
    case ValueKind::kDecimal:
      return binlog::decimal_to_text(v.raw, col.precision, col.scale, out);
    case ValueKind::kBit:
    case ValueKind::kEnum:
    case ValueKind::kSet:
      append_digits(v.u, 1, out);
      return {};
    case ValueKind::kYear:
      append_digits(static_cast<uint64_t>(v.i), 4, out);
      return {};
    case ValueKind::kDate:
      append_date(v.t, out);
      return {};
    case ValueKind::kTime:
      if (v.t.negative) out.push_back('-');
      append_hms(v.t.hour, v.t.minute, v.t.second, out);
      append_fraction(v.t.micros, col.scale, out);
      return {};
    case ValueKind::kDateTime:
      if (v.t.year <= 9999 && v.t.hour < 100) {
        char buf[40];
        out.append(buf, format_datetime(v.t, col.scale, buf));
        return {};
      }
      append_date(v.t, out);
      out.push_back(' ');
      append_hms(v.t.hour, v.t.minute, v.t.second, out);
      append_fraction(v.t.micros, col.scale, out);
      return {};
    case ValueKind::kTimestamp:
      append_timestamp(v.i, v.t.micros, col.scale, out);
      return {};
    case ValueKind::kString:
    case ValueKind::kCompressedString: {
      SLUICE_ASSIGN_OR_RETURN(const Bytes bytes, string_bytes(v));
      if (is_binary_column(col, mariadb_)) {
        append_iso8859_1(bytes, out);
      } else {
        utf8_.append(charset_of_collation(col.collation, mariadb_), bytes, out);
      }
      return {};
    }
    case ValueKind::kGeometry:
      append_iso8859_1(v.raw, out);
      return {};
    case ValueKind::kJson:
      return binlog::json_binary_to_text(v.raw, out);
    case ValueKind::kJsonDiff: {
      SLUICE_ASSIGN_OR_RETURN(const auto diffs,
                              binlog::parse_json_diffs(v.raw));
      if (before != nullptr && before->kind == ValueKind::kJson) {
        return binlog::apply_json_diffs(before->raw, diffs, out);
      }
      std::string column_ref = "@";  // as mysqlbinlog names the column
      column_ref += std::to_string(index + 1);
      return binlog::json_diffs_to_text(diffs, column_ref, out);
    }
    case ValueKind::kVector: {
      out.push_back('[');
      for (size_t i = 0; i + 4 <= v.raw.size(); i += 4) {
        if (i != 0) out.push_back(',');
        append_java_float(std::bit_cast<float>(load_le32(v.raw.data() + i)),
                          out);
      }
      out.push_back(']');
      return {};
    }
  }
  return {};
}

Result<Bytes> CanalValueRenderer::string_bytes(const Value& v) {
  if (v.kind != ValueKind::kCompressedString) return v.raw;
  SLUICE_RETURN_IF_ERROR(binlog::maria_column_uncompress(v.raw, inflated_));
  return Bytes(inflated_);
}

Status CanalValueRenderer::append_json(const ColumnDef& col, size_t index,
                                       const Value& v, const Value* before,
                                       std::string& out) {
  out.push_back('"');
  switch (v.kind) {
    case ValueKind::kString:
    case ValueKind::kCompressedString:
    case ValueKind::kGeometry: {
      SLUICE_ASSIGN_OR_RETURN(const Bytes bytes, string_bytes(v));
      const Charset& cs = charset_of_collation(col.collation, mariadb_);
      if (v.kind == ValueKind::kGeometry || is_binary_column(col, mariadb_)) {
        append_json_escaped_latin1(bytes, out);
      } else if (cs.kind == CharsetKind::kUtf8 ||
                 cs.kind == CharsetKind::kUnknown ||
                 cs.kind == CharsetKind::kAscii) {
        append_json_escaped_utf8(bytes, out);
      } else {
        scratch_.clear();
        utf8_.append(cs, bytes, scratch_);
        append_json_escaped_utf8(as_bytes(scratch_), out);
      }
      break;
    }
    case ValueKind::kJson:
    case ValueKind::kJsonDiff:
    case ValueKind::kVector:
      scratch_.clear();
      SLUICE_RETURN_IF_ERROR(append(col, index, v, before, scratch_));
      append_json_escaped_utf8(as_bytes(scratch_), out);
      break;
    case ValueKind::kAbsent:
    case ValueKind::kNull:
    case ValueKind::kSigned:
    case ValueKind::kUnsigned:
    case ValueKind::kFloat:
    case ValueKind::kDouble:
    case ValueKind::kDecimal:
    case ValueKind::kBit:
    case ValueKind::kYear:
    case ValueKind::kDate:
    case ValueKind::kTime:
    case ValueKind::kDateTime:
    case ValueKind::kTimestamp:
    case ValueKind::kEnum:
    case ValueKind::kSet:
      // Digits, signs, dots, colons: never anything JSON must escape.
      SLUICE_RETURN_IF_ERROR(append(col, index, v, before, out));
      break;
  }
  out.push_back('"');
  return {};
}

}  // namespace sluice::codec
