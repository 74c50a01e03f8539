#include "codec/sluice_protobuf.h"

#include <bit>

#include "binlog/decimal.h"
#include "binlog/decompress.h"

namespace sluice::codec {
namespace {

using binlog::RowsKind;
using binlog::Value;
using binlog::ValueKind;

// sluice.v1 field numbers (proto/sluice.proto).
namespace change {
constexpr uint32_t kPosition = 1;
constexpr uint32_t kKind = 2;
constexpr uint32_t kSchema = 3;
constexpr uint32_t kTable = 4;
constexpr uint32_t kEventTimeMs = 5;
constexpr uint32_t kProducedTimeMs = 6;
constexpr uint32_t kPrimaryKey = 7;
constexpr uint32_t kBefore = 8;
constexpr uint32_t kAfter = 9;
constexpr uint32_t kStatement = 10;
}  // namespace change
namespace cell {
constexpr uint32_t kName = 1;
constexpr uint32_t kNull = 2;
constexpr uint32_t kInt = 3;
constexpr uint32_t kUint = 4;
constexpr uint32_t kFloat = 5;
constexpr uint32_t kDouble = 6;
constexpr uint32_t kDecimal = 7;
constexpr uint32_t kText = 8;
constexpr uint32_t kBinary = 9;
constexpr uint32_t kDate = 10;
constexpr uint32_t kDateTime = 11;
constexpr uint32_t kTimeMicros = 12;
constexpr uint32_t kTimestampMicros = 13;
constexpr uint32_t kYear = 14;
constexpr uint32_t kBit = 15;
constexpr uint32_t kEnum = 16;
constexpr uint32_t kSet = 17;
constexpr uint32_t kJson = 18;
constexpr uint32_t kGeometry = 19;
constexpr uint32_t kVector = 20;
}  // namespace cell
// Kind enum values.
constexpr int kInsert = 1;
constexpr int kUpdate = 2;
constexpr int kDelete = 3;
constexpr int kStatement = 4;
// EnumValue.index / SetValue.bits, and EnumValue.name / SetValue.names.
constexpr uint32_t kMemberNumber = 1;
constexpr uint32_t kMemberName = 2;

int row_kind(RowsKind kind) {
  switch (kind) {
    case RowsKind::kInsert:
      return kInsert;
    case RowsKind::kUpdate:
      return kUpdate;
    case RowsKind::kDelete:
      return kDelete;
  }
  return kInsert;
}

// proto3 leaves plain fields at their default value out of the bytes.
void uint_unless_zero(ProtoWriter& w, uint32_t field, uint64_t v) {
  if (v != 0) w.uint_field(field, v);
}
void int_unless_zero(ProtoWriter& w, uint32_t field, int64_t v) {
  if (v != 0) w.int_field(field, v);
}
void bytes_unless_empty(ProtoWriter& w, uint32_t field, std::string_view v) {
  if (!v.empty()) w.bytes_field(field, v);
}

void append_date_time(uint32_t field, const binlog::Temporal& t,
                      ProtoWriter& w) {
  const size_t mark = w.begin(field);
  uint_unless_zero(w, 1, t.year);
  uint_unless_zero(w, 2, t.month);
  uint_unless_zero(w, 3, t.day);
  uint_unless_zero(w, 4, t.hour);
  uint_unless_zero(w, 5, t.minute);
  uint_unless_zero(w, 6, t.second);
  uint_unless_zero(w, 7, t.micros);
  w.end(mark);
}

int64_t time_micros(const binlog::Temporal& t) {
  const int64_t seconds = (int64_t{t.hour} * 60 + t.minute) * 60 + t.second;
  const int64_t micros = seconds * 1'000'000 + t.micros;
  return t.negative ? -micros : micros;
}

}  // namespace

const SluiceProtobufEncoder::TableTemplate&
SluiceProtobufEncoder::table_template(const binlog::TableMap& table) {
  return templates_.get(
      table, values_.mariadb(), values_.display_widths(),
      [&](TableTemplate& tpl) { build_template(table, tpl); });
}

void SluiceProtobufEncoder::build_template(const binlog::TableMap& table,
                                           TableTemplate& tpl) {
  ProtoWriter names(tpl.names);
  bytes_unless_empty(names, change::kSchema, table.schema);
  bytes_unless_empty(names, change::kTable, table.table);
  ProtoWriter keys(tpl.keys);
  std::string text;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const binlog::ColumnDef& col = table.columns[i];
    ColumnTemplate ct;
    ProtoWriter(ct.name).bytes_field(cell::kName, column_name(col, i));
    if (col.primary_key)
      keys.bytes_field(change::kPrimaryKey, column_name(col, i));
    // ENUM and SET names are in the column's character set.
    const Charset& cs = charset_of_collation(col.collation, values_.mariadb());
    for (const std::string& element : col.elements) {
      text.clear();
      utf8_.append(cs, as_bytes(element), text);
      std::string encoded;
      ProtoWriter(encoded).bytes_field(kMemberName, text);
      ct.elements.push_back(std::move(encoded));
    }
    tpl.columns.push_back(std::move(ct));
  }
}

void SluiceProtobufEncoder::append_head(const binlog::EventHeader& header,
                                        int kind, const Envelope& env,
                                        ProtoWriter& w) {
  const size_t pos = w.begin(change::kPosition);
  bytes_unless_empty(w, 1, env.file);
  uint_unless_zero(w, 2, env.offset);
  uint_unless_zero(w, 3, env.index);
  bytes_unless_empty(w, 4, env.gtid);
  uint_unless_zero(w, 5, header.server_id);
  w.end(pos);
  w.int_field(change::kKind, kind);
}

Status SluiceProtobufEncoder::append_value(const binlog::ColumnDef& col,
                                           size_t index, const Value& v,
                                           const Value* before,
                                           const ColumnTemplate& ct,
                                           ProtoWriter& w) {
  std::string& out = w.buffer();
  switch (v.kind) {
    case ValueKind::kAbsent:
      return {};
    case ValueKind::kNull:
      w.bool_field(cell::kNull, true);
      return {};
    case ValueKind::kSigned:
      w.sint_field(cell::kInt, v.i);
      return {};
    case ValueKind::kUnsigned:
      w.uint_field(cell::kUint, unsigned_value(col, v));
      return {};
    case ValueKind::kFloat:
      w.float_field(cell::kFloat, static_cast<float>(v.d));
      return {};
    case ValueKind::kDouble:
      w.double_field(cell::kDouble, v.d);
      return {};
    case ValueKind::kDecimal: {
      const size_t mark = w.begin(cell::kDecimal);
      SLUICE_RETURN_IF_ERROR(
          binlog::decimal_to_text(v.raw, col.precision, col.scale, out));
      w.end(mark);
      return {};
    }
    case ValueKind::kString:
    case ValueKind::kCompressedString: {
      if (is_binary_column(col, values_.mariadb())) {
        Bytes bytes = v.raw;
        if (v.kind == ValueKind::kCompressedString) {
          SLUICE_RETURN_IF_ERROR(
              binlog::maria_column_uncompress(v.raw, inflated_));
          bytes = Bytes(inflated_);
        }
        w.bytes_field(cell::kBinary, as_chars(bytes));
        return {};
      }
      const size_t mark = w.begin(cell::kText);
      SLUICE_RETURN_IF_ERROR(values_.append(col, index, v, nullptr, out));
      w.end(mark);
      return {};
    }
    case ValueKind::kDate:
      append_date_time(cell::kDate, v.t, w);
      return {};
    case ValueKind::kDateTime:
      append_date_time(cell::kDateTime, v.t, w);
      return {};
    case ValueKind::kTime:
      w.sint_field(cell::kTimeMicros, time_micros(v.t));
      return {};
    case ValueKind::kTimestamp:
      w.int_field(cell::kTimestampMicros, v.i * 1'000'000 + v.t.micros);
      return {};
    case ValueKind::kYear:
      w.uint_field(cell::kYear, static_cast<uint64_t>(v.i));
      return {};
    case ValueKind::kBit:
      w.uint_field(cell::kBit, v.u);
      return {};
    case ValueKind::kEnum: {
      const size_t mark = w.begin(cell::kEnum);
      uint_unless_zero(w, kMemberNumber, v.u);
      if (v.u != 0 && v.u <= ct.elements.size()) out += ct.elements[v.u - 1];
      w.end(mark);
      return {};
    }
    case ValueKind::kSet: {
      const size_t mark = w.begin(cell::kSet);
      uint_unless_zero(w, kMemberNumber, v.u);
      for (size_t bit = 0; bit < ct.elements.size() && bit < 64; ++bit) {
        if ((v.u >> bit) & 1) out += ct.elements[bit];
      }
      w.end(mark);
      return {};
    }
    case ValueKind::kJson:
    case ValueKind::kJsonDiff: {
      const size_t mark = w.begin(cell::kJson);
      SLUICE_RETURN_IF_ERROR(values_.append(col, index, v, before, out));
      w.end(mark);
      return {};
    }
    case ValueKind::kGeometry:
      w.bytes_field(cell::kGeometry, as_chars(v.raw));
      return {};
    case ValueKind::kVector: {
      const size_t mark = w.begin(cell::kVector);
      if (v.raw.size() >= 4) {
        const size_t packed = w.begin(1);
        for (size_t i = 0; i + 4 <= v.raw.size(); i += 4) {
          w.fixed32(std::bit_cast<float>(load_le32(v.raw.data() + i)));
        }
        w.end(packed);
      }
      w.end(mark);
      return {};
    }
  }
  return {};
}

Status SluiceProtobufEncoder::append_image(const binlog::RowEvent& row,
                                           std::span<const Value> image,
                                           uint32_t field,
                                           const TableTemplate& tpl,
                                           ProtoWriter& w) {
  const auto& cols = row.table->columns;
  const bool after = field == change::kAfter;
  for (size_t i = 0; i < image.size(); ++i) {
    const Value& v = image[i];
    if (v.kind == ValueKind::kAbsent || cols[i].filtered_out) continue;
    const size_t mark = w.begin(field);
    w.buffer() += tpl.columns[i].name;
    // A partial JSON update is applied to the before image's document.
    const Value* before =
        after && !row.before.empty() ? &row.before[i] : nullptr;
    if (auto s = append_value(cols[i], i, v, before, tpl.columns[i], w); !s) {
      return tl::unexpected(
          with_context(s.error(), "column " + column_name(cols[i], i)));
    }
    w.end(mark);
  }
  return {};
}

Status SluiceProtobufEncoder::append_row(const binlog::RowEvent& row,
                                         const Envelope& env,
                                         std::string& out) {
  const TableTemplate& tpl = table_template(*row.table);
  ProtoWriter w(out);
  append_head(*row.header, row_kind(row.kind), env, w);
  out += tpl.names;
  int_unless_zero(w, change::kEventTimeMs,
                  int64_t{row.header->timestamp} * 1000);
  int_unless_zero(w, change::kProducedTimeMs, env.ts_ms);
  out += tpl.keys;
  SLUICE_RETURN_IF_ERROR(
      append_image(row, row.before, change::kBefore, tpl, w));
  return append_image(row, row.after, change::kAfter, tpl, w);
}

void SluiceProtobufEncoder::append_statement(
    const binlog::EventHeader& header, std::string_view schema,
    std::string_view table, std::string_view session_schema,
    std::string_view sql, StatementType type, const Envelope& env,
    std::string& out) {
  ProtoWriter w(out);
  append_head(header, kStatement, env, w);
  bytes_unless_empty(w, change::kSchema, schema);
  bytes_unless_empty(w, change::kTable, table);
  int_unless_zero(w, change::kEventTimeMs, int64_t{header.timestamp} * 1000);
  int_unless_zero(w, change::kProducedTimeMs, env.ts_ms);
  const size_t mark = w.begin(change::kStatement);
  bytes_unless_empty(w, 1, sql);
  bytes_unless_empty(w, 2, session_schema);
  w.bytes_field(3, statement_type_name(type));
  w.end(mark);
}

}  // namespace sluice::codec
