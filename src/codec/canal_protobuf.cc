#include "codec/canal_protobuf.h"

#include <string_view>

#include "codec/canal_types.h"
#include "codec/proto_writer.h"

namespace sluice::codec {
namespace {

using binlog::RowsKind;
using binlog::Value;
using binlog::ValueKind;

// EntryProtocol numbers (proto/entry_protocol.proto).
constexpr int kEntryRowData = 2;
constexpr int kSourceMysql = 2;
// Text lengths that stand for no text: the before image lacks the column,
// or holds NULL there.
constexpr size_t kMissing = std::string::npos;
constexpr size_t kNullText = std::string::npos - 1;

// Entry.storeValue is a RowChange; Packet and Messages wrap the Entry.
namespace field {
constexpr uint32_t kPacketBody = 5;
constexpr uint32_t kMessagesMessages = 2;
constexpr uint32_t kEntryHeader = 1;
constexpr uint32_t kEntryType = 2;
constexpr uint32_t kEntryStoreValue = 3;
constexpr uint32_t kRowChangeTableId = 1;
constexpr uint32_t kRowChangeEventType = 2;
constexpr uint32_t kRowChangeIsDdl = 10;
constexpr uint32_t kRowChangeSql = 11;
constexpr uint32_t kRowChangeRowDatas = 12;
constexpr uint32_t kRowChangeDdlSchemaName = 14;
constexpr uint32_t kRowDataBefore = 1;
constexpr uint32_t kRowDataAfter = 2;
}  // namespace field

// Packet.version = 1 (field 2) and Packet.type = MESSAGES (field 3), the
// two fields canal's builder sets before the body.
constexpr std::string_view kPacketPrefix{"\x10\x01\x18\x07", 4};

// One Header.props Pair.
void add_prop(ProtoWriter& w, std::string_view key, std::string_view value) {
  const size_t pair = w.begin(12);
  w.bytes_field(1, key);
  w.bytes_field(2, value);
  w.end(pair);
}

int rows_event_type(RowsKind kind) {
  switch (kind) {
    case RowsKind::kInsert:
      return 1;
    case RowsKind::kUpdate:
      return 2;
    case RowsKind::kDelete:
      return 3;
  }
  return 1;
}

}  // namespace

const CanalProtobufEncoder::TableTemplate& CanalProtobufEncoder::table_template(
    const binlog::TableMap& table) {
  return templates_.get(
      table, values_.mariadb(), values_.display_widths(),
      [&](TableTemplate& tpl) { build_template(table, tpl); });
}

void CanalProtobufEncoder::build_template(const binlog::TableMap& table,
                                          TableTemplate& tpl) const {
  const bool mariadb = values_.mariadb();
  const bool widths = values_.display_widths();
  std::string text;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const binlog::ColumnDef& col = table.columns[i];
    ColumnTemplate ct;
    ProtoWriter(ct.index).int_field(1, static_cast<int64_t>(i));
    ProtoWriter names(ct.name_key);
    names.bytes_field(3, column_name(col, i));
    names.bool_field(4, col.primary_key);
    text.clear();
    append_mysql_type(col, mariadb, widths, text);
    ProtoWriter(ct.mysql_type).bytes_field(10, text);
    tpl.columns.push_back(std::move(ct));
  }
  ProtoWriter names(tpl.names);
  names.bytes_field(8, table.schema);
  names.bytes_field(9, table.table);
}

void CanalProtobufEncoder::append_header(const binlog::EventHeader& header,
                                         std::string_view names, int event_type,
                                         int rows_count, const Envelope& env,
                                         std::string& out) {
  ProtoWriter w(out);
  const size_t mark = w.begin(field::kEntryHeader);
  w.int_field(1, 1);  // version
  w.bytes_field(2, env.file);
  // canal records the event's start offset.
  const uint32_t start = header.log_pos >= header.event_size
                             ? header.log_pos - header.event_size
                             : 0;
  w.int_field(3, start);
  w.int_field(4, header.server_id);
  w.bytes_field(5, "UTF-8");
  w.int_field(6, static_cast<int64_t>(header.timestamp) * 1000);
  w.int_field(7, kSourceMysql);
  out += names;
  w.int_field(10, header.event_size);
  w.int_field(11, event_type);
  // props, in the order canal's LogEventConvert.createHeader adds them.
  if (!env.gtid.empty()) {
    add_prop(w, "curtGtid", env.gtid);
    if (env.gtid_sequence_number >= 0)
      add_prop(w, "curtGtidSn", std::to_string(env.gtid_sequence_number));
    if (env.gtid_last_committed >= 0)
      add_prop(w, "curtGtidLct", std::to_string(env.gtid_last_committed));
  }
  if (rows_count > 0) add_prop(w, "rowsCount", std::to_string(rows_count));
  if (!env.gtid.empty()) w.bytes_field(13, env.gtid);
  w.end(mark);
}

Status CanalProtobufEncoder::append_image(const binlog::RowEvent& row,
                                          std::span<const Value> image,
                                          bool after, uint32_t field_number,
                                          const TableTemplate& tpl,
                                          std::string& out) {
  ProtoWriter w(out);
  const auto& cols = row.table->columns;
  const bool compare = after && row.kind == RowsKind::kUpdate;
  const bool remember = !after && row.kind == RowsKind::kUpdate;
  if (remember) before_text_.assign(cols.size(), {0, kMissing});
  const bool mariadb = values_.mariadb();
  for (size_t i = 0; i < image.size(); ++i) {
    const Value& v = image[i];
    if (v.kind == ValueKind::kAbsent || cols[i].filtered_out) continue;
    const bool is_null = v.kind == ValueKind::kNull;
    const size_t column = w.begin(field_number);
    out += tpl.columns[i].index;
    w.int_field(2, canal_sql_type(cols[i], v, mariadb));
    out += tpl.columns[i].name_key;
    // `updated` comes before the value in the bytes but depends on it:
    // write a placeholder and settle it once the value is rendered.
    w.bool_field(5, false);
    const size_t updated_at = out.size() - 1;
    w.bool_field(6, is_null);
    size_t value_at = 0;
    size_t value_len = kNullText;
    if (!is_null) {
      const size_t value = w.begin(8);
      const Value* before =
          row.before.empty() || !after ? nullptr : &row.before[i];
      if (auto s = values_.append(cols[i], i, v, before, out); !s) {
        return tl::unexpected(
            with_context(s.error(), "column " + column_name(cols[i], i)));
      }
      w.end(value);
      value_len = out.size() - value;
      value_at = out.size() - value_len;
    }
    bool updated = false;
    if (compare) {
      const auto [b_at, b_len] = before_text_[i];
      // canal's isUpdate: a column missing from the before image counts
      // as changed; NULL equals NULL; otherwise the texts are compared.
      updated = b_len == kMissing || b_len != value_len ||
                (value_len != kNullText &&
                 std::string_view(out).substr(b_at, b_len) !=
                     std::string_view(out).substr(value_at, value_len));
    } else if (after) {
      updated = true;  // an insert: canal finds no before column
    }
    out[updated_at] = updated ? '\x01' : '\x00';
    out += tpl.columns[i].mysql_type;
    const size_t size_before_end = out.size();
    w.end(column);
    if (remember) {
      // end() may have widened the column's length, moving the value.
      before_text_[i] = {value_at + (out.size() - size_before_end), value_len};
    }
  }
  return {};
}

Status CanalProtobufEncoder::append_row(const binlog::RowEvent& row,
                                        const Envelope& env, std::string& out) {
  const TableTemplate& tpl = table_template(*row.table);
  const int event_type = rows_event_type(row.kind);
  ProtoWriter w(out);
  out += kPacketPrefix;
  const size_t body = w.begin(field::kPacketBody);
  const size_t entry = w.begin(field::kMessagesMessages);
  // rowsCount counts the RowDatas of this message: one (DESIGN §4,
  // difference 1), where canal counts the rows of the whole event.
  append_header(*row.header, tpl.names, event_type, 1, env, out);
  w.int_field(field::kEntryType, kEntryRowData);
  const size_t change = w.begin(field::kEntryStoreValue);
  w.uint_field(field::kRowChangeTableId, row.table->table_id);
  w.int_field(field::kRowChangeEventType, event_type);
  w.bool_field(field::kRowChangeIsDdl, false);
  const size_t data = w.begin(field::kRowChangeRowDatas);
  if (!row.before.empty()) {
    SLUICE_RETURN_IF_ERROR(
        append_image(row, row.before, false, field::kRowDataBefore, tpl, out));
  }
  if (!row.after.empty()) {
    SLUICE_RETURN_IF_ERROR(
        append_image(row, row.after, true, field::kRowDataAfter, tpl, out));
  }
  w.end(data);
  w.end(change);
  w.end(entry);
  w.end(body);
  return {};
}

void CanalProtobufEncoder::append_statement(
    const binlog::EventHeader& header, std::string_view schema,
    std::string_view table, std::string_view session_schema,
    std::string_view sql, StatementType type, const Envelope& env,
    std::string& out) {
  // canal leaves the names unset when its DDL parser found no table.
  names_.clear();
  if (type != StatementType::kQuery || !table.empty()) {
    ProtoWriter names(names_);
    names.bytes_field(8, schema);
    names.bytes_field(9, table);
  }
  const int event_type = statement_type_number(type);
  ProtoWriter w(out);
  out += kPacketPrefix;
  const size_t body = w.begin(field::kPacketBody);
  const size_t entry = w.begin(field::kMessagesMessages);
  append_header(header, names_, event_type, 0, env, out);
  w.int_field(field::kEntryType, kEntryRowData);
  const size_t change = w.begin(field::kEntryStoreValue);
  w.int_field(field::kRowChangeEventType, event_type);
  // canal 1.1.5+: every statement that is not a row change is DDL.
  w.bool_field(field::kRowChangeIsDdl, true);
  w.bytes_field(field::kRowChangeSql, sql);
  if (!session_schema.empty())
    w.bytes_field(field::kRowChangeDdlSchemaName, session_schema);
  w.end(change);
  w.end(entry);
  w.end(body);
}

}  // namespace sluice::codec
