#include "schema/table_schema.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <initializer_list>
#include <optional>

#include "common/text.h"

namespace sluice::schema {
namespace {

using binlog::ColumnDef;
using binlog::ColumnType;
using binlog::TableMap;

constexpr const char* kFix =
    ". information_schema describes the table as it is now, not as it was "
    "when these rows were written (a DDL ran since, or sluice is behind), so "
    "sluice cannot name these columns safely. Set binlog_row_metadata=FULL "
    "(MariaDB 10.5+, MySQL 8.0.1+) so the binlog carries column names "
    "itself, and resume from a position written after that";

bool one_of(std::string_view v, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

// The type a TABLE_MAP column really has: STRING resolved to ENUM/SET by
// its metadata; hand-built maps may leave real_type unset.
ColumnType effective_type(const ColumnDef& col) {
  return col.real_type == ColumnType::kNull ? col.type : col.real_type;
}

// The numbers in the first "(...)" of a COLUMN_TYPE: "decimal(18,2)" ->
// {18, 2}; empty without parentheses or for ENUM/SET lists.
std::vector<uint32_t> type_arguments(std::string_view column_type) {
  std::vector<uint32_t> out;
  const size_t open = column_type.find('(');
  const size_t close = column_type.find(')', open);
  if (open == std::string_view::npos || close == std::string_view::npos) {
    return out;
  }
  std::string_view args = column_type.substr(open + 1, close - open - 1);
  while (!args.empty()) {
    uint32_t value = 0;
    const auto [end, ec] =
        std::from_chars(args.data(), args.data() + args.size(), value);
    if (ec != std::errc{}) return {};
    out.push_back(value);
    args.remove_prefix(static_cast<size_t>(end - args.data()));
    if (!args.empty() && args.front() == ',') args.remove_prefix(1);
  }
  return out;
}

uint32_t argument(std::string_view column_type, size_t i) {
  const auto args = type_arguments(column_type);
  return i < args.size() ? args[i] : 0;
}

// Storage bytes of an ENUM/SET with n values (MySQL: Field_enum/Field_set
// pack_length).
uint32_t enum_storage(size_t n) { return n < 256 ? 1 : 2; }
uint32_t set_storage(size_t n) {
  const auto bytes = static_cast<uint32_t>((n + 7) / 8);
  return bytes > 4 ? 8 : bytes;
}

bool is_numeric(ColumnType t) {
  switch (t) {
    case ColumnType::kTiny:
    case ColumnType::kShort:
    case ColumnType::kInt24:
    case ColumnType::kLong:
    case ColumnType::kLongLong:
    case ColumnType::kFloat:
    case ColumnType::kDouble:
    case ColumnType::kDecimal:
    case ColumnType::kNewDecimal:
      return true;
    default:
      return false;
  }
}

// BLOB/TEXT DATA_TYPEs by the width of their length prefix (1-4).
bool blob_matches(uint32_t width, std::string_view data_type) {
  switch (width) {
    case 1:
      return one_of(data_type, {"tinyblob", "tinytext"});
    case 2:
      return one_of(data_type, {"blob", "text"});
    case 3:
      return one_of(data_type, {"mediumblob", "mediumtext"});
    case 4:  // MariaDB's JSON is LONGTEXT
      return one_of(data_type, {"longblob", "longtext", "json"});
    default:  // unknown width: any of the family
      return one_of(data_type,
                    {"tinyblob", "tinytext", "blob", "text", "mediumblob",
                     "mediumtext", "longblob", "longtext", "json"});
  }
}

bool geometry_matches(std::string_view data_type) {
  return one_of(data_type, {"geometry", "point", "linestring", "polygon",
                            "multipoint", "multilinestring", "multipolygon",
                            "geometrycollection", "geomcollection"});
}

// Whether a TABLE_MAP column and an information_schema DATA_TYPE can be the
// same column. Every binlog type is listed so a new one is a compile error.
bool data_type_matches(const ColumnDef& col, std::string_view dt) {
  switch (effective_type(col)) {
    case ColumnType::kDecimal:
    case ColumnType::kNewDecimal:
      return dt == "decimal";
    case ColumnType::kTiny:
      return dt == "tinyint";
    case ColumnType::kShort:
      return dt == "smallint";
    case ColumnType::kInt24:
      return dt == "mediumint";
    case ColumnType::kLong:
      return dt == "int";
    case ColumnType::kLongLong:
      return dt == "bigint";
    case ColumnType::kFloat:
      return dt == "float";
    case ColumnType::kDouble:
      return dt == "double";
    case ColumnType::kTimestamp:
    case ColumnType::kTimestamp2:
      return dt == "timestamp";
    case ColumnType::kDate:
    case ColumnType::kNewDate:
      return dt == "date";
    case ColumnType::kTime:
    case ColumnType::kTime2:
      return dt == "time";
    case ColumnType::kDateTime:
    case ColumnType::kDateTime2:
      return dt == "datetime";
    case ColumnType::kYear:
      return dt == "year";
    case ColumnType::kBit:
      return dt == "bit";
    case ColumnType::kVarchar:
    case ColumnType::kVarString:
    case ColumnType::kMariaVarcharCompressed:
      return one_of(dt, {"varchar", "varbinary"});
    case ColumnType::kString:
      // MariaDB's INET4/INET6/UUID are fixed-length binary strings.
      return one_of(dt, {"char", "binary", "inet4", "inet6", "uuid"});
    case ColumnType::kEnum:
      return dt == "enum";
    case ColumnType::kSet:
      return dt == "set";
    case ColumnType::kBlob:
    case ColumnType::kMariaBlobCompressed:
      return blob_matches(col.max_length, dt);
    case ColumnType::kTinyBlob:
      return blob_matches(1, dt);
    case ColumnType::kMediumBlob:
      return blob_matches(3, dt);
    case ColumnType::kLongBlob:
      return blob_matches(4, dt);
    case ColumnType::kJson:
      return dt == "json";
    case ColumnType::kGeometry:
      return geometry_matches(dt);
    case ColumnType::kVector:
      return dt == "vector";
    case ColumnType::kNull:
    case ColumnType::kTypedArray:
    case ColumnType::kInvalid:
    case ColumnType::kBool:
      return false;  // never the type of a stored column
  }
  return false;
}

// The TABLE_MAP's view of a column for messages: "NEWDECIMAL(10,2)",
// "VARCHAR(max 256 bytes)", "BLOB(2-byte length)".
std::string describe(const ColumnDef& col) {
  const ColumnType t = effective_type(col);
  std::string out = binlog::column_type_name(t);
  switch (t) {
    case ColumnType::kNewDecimal:
      out += "(" + std::to_string(col.precision) + "," +
             std::to_string(col.scale) + ")";
      break;
    case ColumnType::kTime2:
    case ColumnType::kDateTime2:
    case ColumnType::kTimestamp2:
      if (col.scale != 0) out += "(" + std::to_string(col.scale) + ")";
      break;
    case ColumnType::kBit:
      out += "(" + std::to_string(col.max_length) + ")";
      break;
    case ColumnType::kVarchar:
    case ColumnType::kVarString:
    case ColumnType::kString:
    case ColumnType::kMariaVarcharCompressed:
      if (col.max_length != 0) {
        out += "(max " + std::to_string(col.max_length) + " bytes)";
      }
      break;
    case ColumnType::kBlob:
    case ColumnType::kMariaBlobCompressed:
      if (col.max_length != 0) {
        out += "(" + std::to_string(col.max_length) + "-byte length)";
      }
      break;
    case ColumnType::kEnum:
    case ColumnType::kSet:
      if (col.max_length != 0) {
        out += "(" + std::to_string(col.max_length) + "-byte value)";
      }
      break;
    default:
      break;
  }
  if (is_numeric(t) && col.is_unsigned) out += " UNSIGNED";
  return out;
}

std::string describe(const ColumnSchema& col) {
  return col.column_type.empty() ? col.data_type : col.column_type;
}

// Why the TABLE_MAP column cannot be `sc`, or "" when it can.
std::string disagreement(const ColumnDef& col, const ColumnSchema& sc,
                         bool map_has_signedness, bool map_has_names) {
  const std::string dt = ascii_lower(sc.data_type);
  const ColumnType t = effective_type(col);
  if (!data_type_matches(col, dt)) return "a different type";
  switch (t) {
    case ColumnType::kNewDecimal: {
      const auto args = type_arguments(sc.column_type);
      const uint32_t precision = args.empty() ? 0 : args[0];
      const uint32_t scale = args.size() > 1 ? args[1] : 0;
      if (!args.empty() && (precision != col.precision || scale != col.scale)) {
        return "a different precision or scale";
      }
      break;
    }
    case ColumnType::kTime2:
    case ColumnType::kDateTime2:
    case ColumnType::kTimestamp2:
      if (argument(sc.column_type, 0) != col.scale) {
        return "different fractional seconds";
      }
      break;
    case ColumnType::kBit:
      if (col.max_length != 0 && argument(sc.column_type, 0) != 0 &&
          argument(sc.column_type, 0) != col.max_length) {
        return "a different width";
      }
      break;
    case ColumnType::kEnum:
      if (col.max_length != 0 && !sc.elements.empty() &&
          enum_storage(sc.elements.size()) != col.max_length) {
        return "a different number of values";
      }
      break;
    case ColumnType::kSet:
      if (col.max_length != 0 && !sc.elements.empty() &&
          set_storage(sc.elements.size()) != col.max_length) {
        return "a different number of values";
      }
      break;
    default:
      break;
  }
  if (map_has_signedness && is_numeric(t) &&
      col.is_unsigned != sc.is_unsigned) {
    return "a different signedness";
  }
  if (map_has_names && ascii_lower(col.name) != ascii_lower(sc.name)) {
    return "a different name";
  }
  return "";
}

std::string qualified(const TableMap& map) {
  return "`" + map.schema + "`.`" + map.table + "`";
}

}  // namespace

std::vector<std::string> parse_elements(std::string_view column_type) {
  std::vector<std::string> out;
  const std::string head = ascii_lower(column_type.substr(0, 5));
  size_t i = 0;
  if (head.starts_with("enum(")) {
    i = 5;
  } else if (head.starts_with("set(")) {
    i = 4;
  } else {
    return out;
  }
  // A list of quoted values: 'a','it''s','back\\slash'.
  while (i < column_type.size() && column_type[i] == '\'') {
    std::string value;
    ++i;
    while (i < column_type.size()) {
      const char c = column_type[i];
      if (c == '\'' && i + 1 < column_type.size() &&
          column_type[i + 1] == '\'') {
        value.push_back('\'');
        i += 2;
      } else if (c == '\'') {
        ++i;
        break;
      } else if (c == '\\' && i + 1 < column_type.size()) {
        const char e = column_type[i + 1];
        switch (e) {
          case '0':
            value.push_back('\0');
            break;
          case 'n':
            value.push_back('\n');
            break;
          case 'r':
            value.push_back('\r');
            break;
          case 'Z':
            value.push_back('\x1a');
            break;
          default:
            value.push_back(e);
            break;
        }
        i += 2;
      } else {
        value.push_back(c);
        ++i;
      }
    }
    out.push_back(std::move(value));
    if (i < column_type.size() && column_type[i] == ',') ++i;
  }
  return out;
}

Status apply_schema(const TableSchema& schema, TableMap& map) {
  const size_t n = map.columns.size();
  if (schema.columns.size() != n) {
    std::string which;
    if (schema.columns.size() > n) {
      const ColumnSchema& extra = schema.columns[n];
      which = "; column " + std::to_string(n + 1) + " (`" + extra.name + "` " +
              describe(extra) + ") is not in the TABLE_MAP";
    } else {
      which = "; the TABLE_MAP's column " +
              std::to_string(schema.columns.size() + 1) + " (" +
              describe(map.columns[schema.columns.size()]) +
              ") is not in information_schema";
    }
    return make_error(Errc::kCorrupt,
                      qualified(map) + ": the binlog's TABLE_MAP has " +
                          std::to_string(n) +
                          " columns but information_schema has " +
                          std::to_string(schema.columns.size()) + which + kFix);
  }
  for (size_t i = 0; i < n; ++i) {
    const ColumnDef& col = map.columns[i];
    const ColumnSchema& sc = schema.columns[i];
    const std::string why =
        disagreement(col, sc, map.has_signedness, map.has_column_names);
    if (!why.empty()) {
      return make_error(Errc::kCorrupt,
                        qualified(map) + " column " + std::to_string(i + 1) +
                            " (`" + sc.name +
                            "`): the binlog's TABLE_MAP has " + describe(col) +
                            " but information_schema has " + describe(sc) +
                            " (" + why + ")" + kFix);
    }
  }
  // Everything agrees: fill what the TABLE_MAP lacks. What it carries
  // itself (names, signedness, PK, collations, values) describes these very
  // rows and stays.
  for (size_t i = 0; i < n; ++i) {
    ColumnDef& col = map.columns[i];
    const ColumnSchema& sc = schema.columns[i];
    if (!map.has_column_names) col.name = sc.name;
    if (!map.has_signedness) col.is_unsigned = sc.is_unsigned;
    if (!map.has_primary_key) col.primary_key = sc.primary_key;
    if (col.elements.empty()) col.elements = sc.elements;
    if (col.collation == 0) col.collation = sc.collation_id;
    col.mysql_type = sc.column_type;
  }
  map.has_column_names = true;
  map.has_signedness = true;
  map.has_primary_key = true;
  return {};
}

}  // namespace sluice::schema
