#include "codec/flat_message.h"

#include <algorithm>
#include <charconv>

#include "codec/canal_types.h"
#include "codec/json_escape.h"

namespace sluice::codec {
namespace {

using binlog::ColumnDef;
using binlog::RowsKind;
using binlog::Value;
using binlog::ValueKind;

void append_name(const ColumnDef& col, size_t index, std::string& out) {
  if (col.name.empty()) {
    out += "\"@";
    out += std::to_string(index + 1);
    out.push_back('"');
  } else {
    append_json_string(col.name, out);
  }
}

const char* kind_name(RowsKind k) {
  switch (k) {
    case RowsKind::kInsert:
      return "INSERT";
    case RowsKind::kUpdate:
      return "UPDATE";
    case RowsKind::kDelete:
      return "DELETE";
  }
  return "";
}

bool present(const Value& v) { return v.kind != ValueKind::kAbsent; }

void append_int(int64_t v, std::string& out) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

}  // namespace

// A column that appears in a message: in the row image and not filtered.
bool shown(const binlog::ColumnDef& col, const Value& v) {
  return present(v) && !col.filtered_out;
}

template <class AppendValue>
void FlatMessageEncoder::append_present_map(std::string_view open,
                                            const TableTemplate& tpl,
                                            const binlog::TableMap& table,
                                            std::span<const Value> image,
                                            std::string& out,
                                            AppendValue&& append_value) {
  out += open;
  bool first = true;
  for (size_t i = 0; i < image.size(); ++i) {
    if (!shown(table.columns[i], image[i])) continue;
    if (!first) out.push_back(',');
    first = false;
    out += tpl.keys[i];
    append_value(i);
  }
  out.push_back('}');
}

const FlatMessageEncoder::TableTemplate& FlatMessageEncoder::table_template(
    const binlog::TableMap& table) {
  return templates_.get(
      table, values_.mariadb(), values_.display_widths(),
      [&](TableTemplate& tpl) { build_template(table, tpl); });
}

void FlatMessageEncoder::build_template(const binlog::TableMap& table,
                                        TableTemplate& tpl) {
  const bool mariadb = values_.mariadb();
  const bool widths = values_.display_widths();
  const auto& cols = table.columns;
  for (size_t i = 0; i < cols.size(); ++i) {
    std::string key;
    append_name(cols[i], i, key);
    key.push_back(':');
    tpl.keys.push_back(std::move(key));
  }
  tpl.database = "}],\"database\":";
  append_json_string(table.schema, tpl.database);
  tpl.database += ",\"es\":";
  tpl.mysql_types = ",\"mysqlType\":{";
  tpl.sql_types = ",\"sqlType\":{";
  const Value plain{};  // no unsigned bump
  bool first_type = true;
  for (size_t i = 0; i < cols.size(); ++i) {
    if (cols[i].filtered_out) continue;
    if (!first_type) {
      tpl.mysql_types.push_back(',');
      tpl.sql_types.push_back(',');
    }
    first_type = false;
    tpl.mysql_types += tpl.keys[i];
    // Escaped: COLUMN_TYPE and ENUM/SET elements may hold '\\' or '"'.
    type_text_.clear();
    append_mysql_type(cols[i], mariadb, widths, type_text_);
    append_json_string(type_text_, tpl.mysql_types);
    tpl.sql_types += tpl.keys[i];
    tpl.sql_types += std::to_string(canal_sql_type(cols[i], plain, mariadb));
    if (cols[i].is_unsigned) tpl.unsigned_ints.push_back(i);
  }
  tpl.mysql_types.push_back('}');
  tpl.sql_types.push_back('}');
  tpl.pk_names = ",\"pkNames\":";
  bool first = true;
  for (size_t i = 0; i < cols.size(); ++i) {
    if (!cols[i].primary_key) continue;
    tpl.pk_names.push_back(first ? '[' : ',');
    first = false;
    append_name(cols[i], i, tpl.pk_names);
  }
  tpl.pk_names += first ? "null" : "]";
  tpl.table = ",\"table\":";
  append_json_string(table.table, tpl.table);
  tpl.table += ",\"ts\":";
}

Status FlatMessageEncoder::append_old(const binlog::RowEvent& row,
                                      const TableTemplate& tpl,
                                      std::string& out) {
  const auto& cols = row.table->columns;
  out += "[{";
  bool first = true;
  for (size_t i = 0; i < cols.size(); ++i) {
    const Value& b = row.before[i];
    const Value& a = row.after[i];
    if (!shown(cols[i], b) || !present(a) || same_value(b, a)) continue;
    const bool b_null = b.kind == ValueKind::kNull;
    const bool a_null = a.kind == ValueKind::kNull;
    if (!b_null && !a_null) {
      // Raw contents differ; canal compares the rendered strings.
      before_text_.clear();
      after_text_.clear();
      SLUICE_RETURN_IF_ERROR(
          values_.append(cols[i], i, b, nullptr, before_text_));
      SLUICE_RETURN_IF_ERROR(values_.append(cols[i], i, a, &b, after_text_));
      if (before_text_ == after_text_) continue;
    }
    if (!first) out.push_back(',');
    first = false;
    out += tpl.keys[i];
    if (b_null) {
      out += "null";
    } else {
      SLUICE_RETURN_IF_ERROR(values_.append_json(cols[i], i, b, nullptr, out));
    }
  }
  out += "}]";
  return {};
}

Status FlatMessageEncoder::append_row(const binlog::RowEvent& row,
                                      const Envelope& env, std::string& out) {
  const auto& cols = row.table->columns;
  const TableTemplate& tpl = table_template(*row.table);
  const auto image = row.kind == RowsKind::kDelete ? row.before : row.after;
  const bool mariadb = values_.mariadb();

  out += "{\"data\":[{";
  bool first = true;
  for (size_t i = 0; i < cols.size(); ++i) {
    const Value& v = image[i];
    if (!shown(cols[i], v)) continue;
    if (!first) out.push_back(',');
    first = false;
    out += tpl.keys[i];
    if (v.kind == ValueKind::kNull) {
      out += "null";
      continue;
    }
    const Value* before = row.before.empty() ? nullptr : &row.before[i];
    if (auto s = values_.append_json(cols[i], i, v, before, out); !s) {
      const std::string name =
          cols[i].name.empty() ? "@" + std::to_string(i + 1) : cols[i].name;
      return tl::unexpected(with_context(s.error(), "column " + name));
    }
  }
  out += tpl.database;
  const EventFragments& ev = event_fragments(row, env);
  out += ev.middle;
  // Every column that is not filtered out is in the image: the template's
  // type maps hold exactly those.
  bool full = true;
  for (size_t i = 0; i < cols.size() && full; ++i)
    full = cols[i].filtered_out || present(image[i]);
  if (full) {
    out += tpl.mysql_types;
  } else {
    append_present_map(
        ",\"mysqlType\":{", tpl, *row.table, image, out, [&](size_t i) {
          type_text_.clear();
          append_mysql_type(cols[i], mariadb, values_.display_widths(),
                            type_text_);
          append_json_string(type_text_, out);
        });
  }
  out += ",\"old\":";
  if (row.kind == RowsKind::kUpdate) {
    SLUICE_RETURN_IF_ERROR(append_old(row, tpl, out));
  } else {
    out += "null";
  }
  out += tpl.pk_names;
  out += ",\"sql\":\"\"";
  const bool bumped = std::any_of(
      tpl.unsigned_ints.begin(), tpl.unsigned_ints.end(), [&](size_t i) {
        return shown(cols[i], image[i]) &&
               canal_sql_type(cols[i], image[i], mariadb) !=
                   canal_sql_type(cols[i], Value{}, mariadb);
      });
  if (full && !bumped) {
    out += tpl.sql_types;
  } else {
    append_present_map(
        ",\"sqlType\":{", tpl, *row.table, image, out, [&](size_t i) {
          append_int(canal_sql_type(cols[i], image[i], mariadb), out);
        });
  }
  out += tpl.table;
  out += ev.tail;
  return {};
}

const FlatMessageEncoder::EventFragments& FlatMessageEncoder::event_fragments(
    const binlog::RowEvent& row, const Envelope& env) {
  EventFragments& f = event_;
  const int64_t es = static_cast<int64_t>(row.header->timestamp) * 1000;
  if (f.valid && f.es == es && f.id == env.id && f.ts_ms == env.ts_ms &&
      f.kind == row.kind && f.gtid == env.gtid) {
    return f;
  }
  f.valid = true;
  f.es = es;
  f.id = env.id;
  f.ts_ms = env.ts_ms;
  f.kind = row.kind;
  f.gtid.assign(env.gtid);
  f.middle.clear();
  append_int(es, f.middle);
  f.middle += ",\"gtid\":";
  append_json_string(env.gtid, f.middle);
  f.middle += ",\"id\":";
  append_int(env.id, f.middle);
  f.middle += ",\"isDdl\":false";
  f.tail.clear();
  append_int(env.ts_ms, f.tail);
  f.tail += ",\"type\":\"";
  f.tail += kind_name(row.kind);
  f.tail += "\"}";
  return f;
}

void FlatMessageEncoder::append_statement(
    std::string_view schema, std::string_view table, std::string_view sql,
    StatementType type, uint32_t timestamp, const Envelope& env,
    std::string& out) {
  out += "{\"data\":null,\"database\":";
  append_json_string(schema, out);
  out += ",\"es\":";
  append_int(static_cast<int64_t>(timestamp) * 1000, out);
  out += ",\"gtid\":";
  append_json_string(env.gtid, out);
  out += ",\"id\":";
  out += std::to_string(env.id);
  out +=
      ",\"isDdl\":true,\"mysqlType\":null,\"old\":null,\"pkNames\":null,"
      "\"sql\":";
  append_json_string(sql, out);
  out += ",\"sqlType\":null,\"table\":";
  append_json_string(table, out);
  out += ",\"ts\":";
  out += std::to_string(env.ts_ms);
  out += ",\"type\":\"";
  out += statement_type_name(type);
  out += "\"}";
}

}  // namespace sluice::codec
