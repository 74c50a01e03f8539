#include "binlog/column_value.h"

#include <bit>
#include <string>

#include "binlog/decimal.h"
#include "binlog/temporal.h"

namespace sluice::binlog {
namespace {

tl::unexpected<Error> short_value(const ColumnDef& col, size_t need,
                                  size_t have) {
  return make_error(Errc::kTruncated,
                    column_type_name(col.real_type) + " value needs " +
                        std::to_string(need) + " bytes, only " +
                        std::to_string(have) + " left in the event");
}

// Integer of `width` bytes, signed or unsigned per the column.
size_t read_int(const ColumnDef& col, const std::byte* p, size_t width,
                Value& out) {
  const uint64_t raw = load_le(p, width);
  if (col.is_unsigned) {
    out.kind = ValueKind::kUnsigned;
    out.u = raw;
  } else {
    out.kind = ValueKind::kSigned;
    out.i = sign_extend(raw, static_cast<unsigned>(width * 8));
  }
  return width;
}

// A length prefix of `prefix` bytes followed by that many bytes.
[[nodiscard]] Result<size_t> read_prefixed(const ColumnDef& col, Bytes data,
                                           size_t prefix, ValueKind kind,
                                           Value& out) {
  if (prefix < 1 || prefix > 4) {
    return make_error(Errc::kCorrupt,
                      column_type_name(col.real_type) + " length prefix of " +
                          std::to_string(prefix) +
                          " bytes (metadata says so) is invalid");
  }
  if (data.size() < prefix) return short_value(col, prefix, data.size());
  const size_t len = static_cast<size_t>(load_le(data.data(), prefix));
  if (data.size() - prefix < len) {
    return short_value(col, prefix + len, data.size());
  }
  out.kind = kind;
  out.raw = data.subspan(prefix, len);
  return prefix + len;
}

size_t fixed_width(const ColumnDef& col) {
  switch (col.real_type) {
    case ColumnType::kTiny:
    case ColumnType::kYear:
      return 1;
    case ColumnType::kShort:
      return 2;
    case ColumnType::kInt24:
    case ColumnType::kDate:
    case ColumnType::kNewDate:
    case ColumnType::kTime:
      return 3;
    case ColumnType::kLong:
    case ColumnType::kTimestamp:
      return 4;
    case ColumnType::kLongLong:
    case ColumnType::kDateTime:
      return 8;
    case ColumnType::kFloat:
      return 4;
    case ColumnType::kDouble:
      return 8;
    case ColumnType::kTime2:
      return 3 + fractional_bytes(col.scale);
    case ColumnType::kDateTime2:
      return 5 + fractional_bytes(col.scale);
    case ColumnType::kTimestamp2:
      return 4 + fractional_bytes(col.scale);
    case ColumnType::kBit:
      return (col.max_length + 7) / 8;
    case ColumnType::kEnum:
    case ColumnType::kSet:
      return col.max_length;
    default:
      return 0;
  }
}

// The 5.6.4+ temporal encodings can hold bit patterns no server writes: a
// fraction of a second past 999999, a month past 12, minutes past 59.
[[nodiscard]] Status check_temporal(const ColumnDef& col, const Value& v) {
  const Temporal& t = v.t;
  const bool clock_ok = t.minute < 60 && t.second < 60 && t.micros < 1000000;
  bool ok = clock_ok;
  if (v.kind == ValueKind::kDateTime) {
    ok = clock_ok && t.month <= 12 && t.day <= 31 && t.hour < 24;
  } else if (v.kind == ValueKind::kTimestamp) {
    ok = t.micros < 1000000;
  }
  if (ok) return {};
  return make_error(Errc::kCorrupt, column_type_name(col.real_type) +
                                        " value with an out-of-range field");
}

}  // namespace

Result<size_t> decode_column_value(const ColumnDef& col, Bytes data,
                                   Value& out) {
  const std::byte* p = data.data();
  switch (col.real_type) {
    case ColumnType::kTiny:
    case ColumnType::kShort:
    case ColumnType::kInt24:
    case ColumnType::kLong:
    case ColumnType::kLongLong: {
      const size_t w = fixed_width(col);
      if (data.size() < w) return short_value(col, w, data.size());
      return read_int(col, p, w, out);
    }
    case ColumnType::kFloat:
      if (data.size() < 4) return short_value(col, 4, data.size());
      out.kind = ValueKind::kFloat;
      out.d = static_cast<double>(std::bit_cast<float>(load_le32(p)));
      return 4;
    case ColumnType::kDouble:
      if (data.size() < 8) return short_value(col, 8, data.size());
      out.kind = ValueKind::kDouble;
      out.d = std::bit_cast<double>(load_le64(p));
      return 8;
    case ColumnType::kNewDecimal: {
      SLUICE_ASSIGN_OR_RETURN(const size_t w,
                              decimal_binary_size(col.precision, col.scale));
      if (data.size() < w) return short_value(col, w, data.size());
      out.kind = ValueKind::kDecimal;
      out.raw = data.first(w);
      return w;
    }
    case ColumnType::kYear:
      if (data.empty()) return short_value(col, 1, 0);
      out.kind = ValueKind::kYear;
      out.i = load_u8(p) == 0 ? 0 : 1900 + load_u8(p);
      return 1;
    case ColumnType::kDate:
    case ColumnType::kNewDate:
      if (data.size() < 3) return short_value(col, 3, data.size());
      out.kind = ValueKind::kDate;
      out.t = decode_date(p);
      return 3;
    case ColumnType::kTime:
      if (data.size() < 3) return short_value(col, 3, data.size());
      out.kind = ValueKind::kTime;
      out.t = decode_time_v1(p);
      return 3;
    case ColumnType::kDateTime:
      if (data.size() < 8) return short_value(col, 8, data.size());
      out.kind = ValueKind::kDateTime;
      out.t = decode_datetime_v1(p);
      return 8;
    case ColumnType::kTimestamp:
      if (data.size() < 4) return short_value(col, 4, data.size());
      out.kind = ValueKind::kTimestamp;
      out.i = load_le32(p);
      out.t.micros = 0;
      return 4;
    case ColumnType::kTime2:
    case ColumnType::kDateTime2:
    case ColumnType::kTimestamp2: {
      const size_t w = fixed_width(col);
      if (data.size() < w) return short_value(col, w, data.size());
      if (col.real_type == ColumnType::kTime2) {
        out.kind = ValueKind::kTime;
        out.t = decode_time2(p, col.scale);
      } else if (col.real_type == ColumnType::kDateTime2) {
        out.kind = ValueKind::kDateTime;
        out.t = decode_datetime2(p, col.scale);
      } else {
        out.kind = ValueKind::kTimestamp;
        out.i = decode_timestamp2(p, col.scale, &out.t.micros);
      }
      SLUICE_RETURN_IF_ERROR(check_temporal(col, out));
      return w;
    }
    case ColumnType::kBit: {
      const size_t w = fixed_width(col);
      if (w == 0 || w > 8) {
        return make_error(Errc::kCorrupt, "BIT(" +
                                              std::to_string(col.max_length) +
                                              ") is outside 1..64 bits");
      }
      if (data.size() < w) return short_value(col, w, data.size());
      out.kind = ValueKind::kBit;
      out.u = load_be(p, w);
      return w;
    }
    case ColumnType::kEnum:
    case ColumnType::kSet: {
      const size_t w = fixed_width(col);
      const bool is_enum = col.real_type == ColumnType::kEnum;
      if (w == 0 || w > (is_enum ? 2U : 8U)) {
        return make_error(Errc::kCorrupt,
                          column_type_name(col.real_type) + " storage of " +
                              std::to_string(w) + " bytes is invalid");
      }
      if (data.size() < w) return short_value(col, w, data.size());
      out.kind = is_enum ? ValueKind::kEnum : ValueKind::kSet;
      out.u = load_le(p, w);
      return w;
    }
    case ColumnType::kString:
    case ColumnType::kVarchar:
    case ColumnType::kVarString:
      return read_prefixed(col, data, col.max_length > 255 ? 2 : 1,
                           ValueKind::kString, out);
    case ColumnType::kTinyBlob:
    case ColumnType::kMediumBlob:
    case ColumnType::kLongBlob:
    case ColumnType::kBlob:
      return read_prefixed(col, data, col.max_length, ValueKind::kString, out);
    case ColumnType::kMariaVarcharCompressed:
      return read_prefixed(col, data, col.max_length > 255 ? 2 : 1,
                           ValueKind::kCompressedString, out);
    case ColumnType::kMariaBlobCompressed:
      return read_prefixed(col, data, col.max_length,
                           ValueKind::kCompressedString, out);
    case ColumnType::kJson:
      return read_prefixed(col, data, col.max_length, ValueKind::kJson, out);
    case ColumnType::kGeometry:
      return read_prefixed(col, data, col.max_length, ValueKind::kGeometry,
                           out);
    case ColumnType::kVector: {
      SLUICE_ASSIGN_OR_RETURN(
          const size_t used,
          read_prefixed(col, data, col.max_length, ValueKind::kVector, out));
      if (out.raw.size() % 4 != 0) {
        return make_error(Errc::kCorrupt,
                          "VECTOR value of " + std::to_string(out.raw.size()) +
                              " bytes is not a whole number of float32s");
      }
      return used;
    }
    case ColumnType::kNull:
      out.kind = ValueKind::kNull;
      return 0;
    case ColumnType::kDecimal:
    case ColumnType::kTypedArray:
    case ColumnType::kInvalid:
    case ColumnType::kBool:
      break;
  }
  return make_error(Errc::kUnsupported,
                    "column type " + column_type_name(col.real_type) + " (" +
                        std::to_string(static_cast<unsigned>(col.real_type)) +
                        ") has no supported row format");
}

}  // namespace sluice::binlog
