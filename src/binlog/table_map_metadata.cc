// Optional TABLE_MAP metadata (binlog_row_metadata=MINIMAL|FULL): a sequence
// of (type byte, packed length, value) fields. MySQL: libbinlogevents/src/
// rows_event.cpp, Table_map_event::Optional_metadata_fields; MariaDB:
// sql/log_event_server.cc, Table_map_log_event::init_*_field.
#include <functional>
#include <iterator>
#include <string>

#include "binlog/table_map.h"
#include "common/byte_reader.h"

namespace sluice::binlog {
namespace {

enum class MetaField : uint8_t {
  kSignedness = 1,
  kDefaultCharset = 2,
  kColumnCharset = 3,
  kColumnName = 4,
  kSetStrValue = 5,
  kEnumStrValue = 6,
  kGeometryType = 7,
  kSimplePrimaryKey = 8,
  kPrimaryKeyWithPrefix = 9,
  kEnumAndSetDefaultCharset = 10,
  kEnumAndSetColumnCharset = 11,
  kColumnVisibility = 12,
  kVectorDimensionality = 13,
};

// MySQL: is_numeric_type(); MariaDB also counts YEAR (a Field_tiny there).
bool is_numeric(const ColumnDef& c, bool mariadb) {
  switch (c.real_type) {
    case ColumnType::kYear:
      return mariadb;
    case ColumnType::kTiny:
    case ColumnType::kShort:
    case ColumnType::kInt24:
    case ColumnType::kLong:
    case ColumnType::kLongLong:
    case ColumnType::kNewDecimal:
    case ColumnType::kFloat:
    case ColumnType::kDouble:
      return true;
    default:
      return false;
  }
}

std::string field_name(uint8_t type) {
  static constexpr const char* kNames[] = {"",
                                           "SIGNEDNESS",
                                           "DEFAULT_CHARSET",
                                           "COLUMN_CHARSET",
                                           "COLUMN_NAME",
                                           "SET_STR_VALUE",
                                           "ENUM_STR_VALUE",
                                           "GEOMETRY_TYPE",
                                           "SIMPLE_PRIMARY_KEY",
                                           "PRIMARY_KEY_WITH_PREFIX",
                                           "ENUM_AND_SET_DEFAULT_CHARSET",
                                           "ENUM_AND_SET_COLUMN_CHARSET",
                                           "COLUMN_VISIBILITY",
                                           "VECTOR_DIMENSIONALITY"};
  if (type >= 1 && type < std::size(kNames)) return kNames[type];
  return "field " + std::to_string(type);
}

bool is_enum_or_set(const ColumnDef& c) {
  return c.real_type == ColumnType::kEnum || c.real_type == ColumnType::kSet;
}

// MySQL: is_character_type(), which from 9.0 includes VECTOR; MariaDB also
// counts GEOMETRY (a Field_blob there).
bool is_character(const ColumnDef& c, bool mariadb) {
  switch (c.real_type) {
    case ColumnType::kGeometry:
      return mariadb;
    case ColumnType::kString:
    case ColumnType::kVarString:
    case ColumnType::kVarchar:
    case ColumnType::kTinyBlob:
    case ColumnType::kMediumBlob:
    case ColumnType::kLongBlob:
    case ColumnType::kBlob:
    case ColumnType::kMariaVarcharCompressed:
    case ColumnType::kMariaBlobCompressed:
    case ColumnType::kVector:
      return true;
    default:
      return false;
  }
}

// Pointers to the columns a field describes, in column order.
std::vector<ColumnDef*> select(TableMap& t,
                               const std::function<bool(const ColumnDef&)>& f) {
  std::vector<ColumnDef*> out;
  for (ColumnDef& c : t.columns) {
    if (f(c)) out.push_back(&c);
  }
  return out;
}

[[nodiscard]] Status too_many(const char* field, size_t have) {
  return make_error(Errc::kCorrupt,
                    std::string(field) + " lists more entries than the " +
                        std::to_string(have) + " columns it applies to");
}

// DEFAULT_CHARSET: default collation, then (index among the columns, collation)
// pairs for the columns that differ.
[[nodiscard]] Status read_default_charset(ByteReader& r,
                                          std::vector<ColumnDef*> cols,
                                          uint32_t* table_default) {
  SLUICE_ASSIGN_OR_RETURN(const uint64_t def,
                          r.packed_int("default collation"));
  if (table_default != nullptr) *table_default = static_cast<uint32_t>(def);
  for (ColumnDef* c : cols) c->collation = static_cast<uint32_t>(def);
  while (!r.empty()) {
    SLUICE_ASSIGN_OR_RETURN(const uint64_t idx,
                            r.packed_int("charset column index"));
    SLUICE_ASSIGN_OR_RETURN(const uint64_t coll,
                            r.packed_int("column collation"));
    if (idx >= cols.size()) return too_many("DEFAULT_CHARSET", cols.size());
    cols[idx]->collation = static_cast<uint32_t>(coll);
  }
  return {};
}

[[nodiscard]] Status read_column_charset(ByteReader& r,
                                         std::vector<ColumnDef*> cols) {
  for (size_t i = 0; !r.empty(); ++i) {
    SLUICE_ASSIGN_OR_RETURN(const uint64_t coll,
                            r.packed_int("column collation"));
    if (i >= cols.size()) return too_many("COLUMN_CHARSET", cols.size());
    cols[i]->collation = static_cast<uint32_t>(coll);
  }
  return {};
}

[[nodiscard]] Status read_elements(ByteReader& r, std::vector<ColumnDef*> cols,
                                   const char* field) {
  for (size_t i = 0; !r.empty(); ++i) {
    if (i >= cols.size()) return too_many(field, cols.size());
    SLUICE_ASSIGN_OR_RETURN(const uint64_t n, r.packed_int("element count"));
    if (n > r.remaining()) {
      return make_error(Errc::kCorrupt,
                        std::string(field) + " claims " + std::to_string(n) +
                            " elements in " + std::to_string(r.remaining()) +
                            " bytes");
    }
    cols[i]->elements.clear();
    for (uint64_t k = 0; k < n; ++k) {
      SLUICE_ASSIGN_OR_RETURN(auto s, r.packed_chars("element string"));
      cols[i]->elements.emplace_back(s);
    }
  }
  return {};
}

[[nodiscard]] Status read_packed_per_column(ByteReader& r,
                                            std::vector<ColumnDef*> cols,
                                            const char* field,
                                            uint32_t ColumnDef::*member) {
  for (size_t i = 0; !r.empty(); ++i) {
    SLUICE_ASSIGN_OR_RETURN(const uint64_t v, r.packed_int(field));
    if (i >= cols.size()) return too_many(field, cols.size());
    cols[i]->*member = static_cast<uint32_t>(v);
  }
  return {};
}

[[nodiscard]] Status read_bitmap(Bytes value, std::vector<ColumnDef*> cols,
                                 const char* field, bool ColumnDef::*member) {
  if (value.size() < (cols.size() + 7) / 8) {
    return make_error(Errc::kCorrupt, std::string(field) + " bitmap of " +
                                          std::to_string(value.size()) +
                                          " bytes is too short for " +
                                          std::to_string(cols.size()) +
                                          " columns");
  }
  for (size_t i = 0; i < cols.size(); ++i) cols[i]->*member = bit_msb(value, i);
  return {};
}

[[nodiscard]] Status read_primary_key(ByteReader& r, TableMap& t,
                                      bool with_prefix) {
  t.has_primary_key = true;
  while (!r.empty()) {
    SLUICE_ASSIGN_OR_RETURN(const uint64_t idx,
                            r.packed_int("primary key column"));
    if (with_prefix) {
      SLUICE_RETURN_IF_ERROR(r.packed_int("primary key prefix length"));
    }
    if (idx >= t.columns.size()) {
      return make_error(Errc::kCorrupt, "primary key names column " +
                                            std::to_string(idx + 1) + " of " +
                                            std::to_string(t.columns.size()));
    }
    t.columns[idx].primary_key = true;
  }
  return {};
}

[[nodiscard]] Status read_field(MetaField type, Bytes value, bool mariadb,
                                TableMap& t) {
  ByteReader r(value);
  const auto all = [](const ColumnDef&) { return true; };
  const auto numeric = [mariadb](const ColumnDef& c) {
    return is_numeric(c, mariadb);
  };
  const auto character = [mariadb](const ColumnDef& c) {
    return is_character(c, mariadb);
  };
  switch (type) {
    case MetaField::kSignedness:
      t.has_signedness = true;
      return read_bitmap(value, select(t, numeric), "SIGNEDNESS",
                         &ColumnDef::is_unsigned);
    case MetaField::kDefaultCharset:
      return read_default_charset(r, select(t, character),
                                  &t.default_collation);
    case MetaField::kColumnCharset:
      return read_column_charset(r, select(t, character));
    case MetaField::kColumnName: {
      t.has_column_names = true;
      auto cols = select(t, all);
      for (size_t i = 0; !r.empty(); ++i) {
        SLUICE_ASSIGN_OR_RETURN(auto name, r.packed_chars("column name"));
        if (i >= cols.size()) return too_many("COLUMN_NAME", cols.size());
        cols[i]->name = std::string(name);
      }
      return {};
    }
    case MetaField::kSetStrValue:
      return read_elements(r,
                           select(t,
                                  [](const ColumnDef& c) {
                                    return c.real_type == ColumnType::kSet;
                                  }),
                           "SET_STR_VALUE");
    case MetaField::kEnumStrValue:
      return read_elements(r,
                           select(t,
                                  [](const ColumnDef& c) {
                                    return c.real_type == ColumnType::kEnum;
                                  }),
                           "ENUM_STR_VALUE");
    case MetaField::kGeometryType:
      return read_packed_per_column(r,
                                    select(t,
                                           [](const ColumnDef& c) {
                                             return c.type ==
                                                    ColumnType::kGeometry;
                                           }),
                                    "GEOMETRY_TYPE", &ColumnDef::geometry_type);
    case MetaField::kSimplePrimaryKey:
      return read_primary_key(r, t, false);
    case MetaField::kPrimaryKeyWithPrefix:
      return read_primary_key(r, t, true);
    case MetaField::kEnumAndSetDefaultCharset:
      return read_default_charset(r, select(t, is_enum_or_set), nullptr);
    case MetaField::kEnumAndSetColumnCharset:
      return read_column_charset(r, select(t, is_enum_or_set));
    case MetaField::kColumnVisibility:
      return read_bitmap(value, select(t, all), "COLUMN_VISIBILITY",
                         &ColumnDef::visible);
    case MetaField::kVectorDimensionality:
      return read_packed_per_column(
          r,
          select(
              t,
              [](const ColumnDef& c) { return c.type == ColumnType::kVector; }),
          "VECTOR_DIMENSIONALITY", &ColumnDef::vector_dimensions);
  }
  return {};  // a field type added by a newer server: skipped by design
}

}  // namespace

Status decode_table_map_optional_metadata(Bytes block, bool mariadb,
                                          TableMap& table) {
  ByteReader r(block);
  while (!r.empty()) {
    SLUICE_ASSIGN_OR_RETURN(const uint8_t type, r.u8("metadata field type"));
    SLUICE_ASSIGN_OR_RETURN(const uint64_t len,
                            r.packed_int("metadata field length"));
    SLUICE_ASSIGN_OR_RETURN(Bytes value, r.bytes(len, "metadata field value"));
    if (auto s =
            read_field(static_cast<MetaField>(type), value, mariadb, table);
        !s) {
      return tl::unexpected(with_context(s.error(), field_name(type)));
    }
  }
  return {};
}

}  // namespace sluice::binlog
