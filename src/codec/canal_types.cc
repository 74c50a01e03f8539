#include "codec/canal_types.h"

#include "codec/canal_value.h"
#include "codec/charset.h"

namespace sluice::codec {
namespace {

using binlog::ColumnDef;
using binlog::ColumnType;
using binlog::Value;
using binlog::ValueKind;

// java.sql.Types
constexpr int kBit = -7;
constexpr int kTinyInt = -6;
constexpr int kBigInt = -5;
constexpr int kChar = 1;
constexpr int kDecimal = 3;
constexpr int kInteger = 4;
constexpr int kSmallInt = 5;
constexpr int kReal = 7;
constexpr int kDouble = 8;
constexpr int kVarchar = 12;
constexpr int kDate = 91;
constexpr int kTime = 92;
constexpr int kTimestamp = 93;
constexpr int kBlob = 2004;
constexpr int kClob = 2005;

// How MariaDB's information_schema COLUMN_TYPE marks compressed columns.
constexpr const char* kCompressedSuffix = " /*M!100301 COMPRESSED*/";

bool top_bit_set(const Value& v, unsigned bits) {
  return v.kind == ValueKind::kUnsigned && ((v.u >> (bits - 1)) & 1U);
}

uint32_t characters(const ColumnDef& col, bool mariadb) {
  const unsigned mb = charset_of_collation(col.collation, mariadb).mbmaxlen;
  return mb > 1 ? col.max_length / mb : col.max_length;
}

void append_elements(const ColumnDef& col, std::string& out) {
  out.push_back('(');
  for (size_t i = 0; i < col.elements.size(); ++i) {
    if (i != 0) out.push_back(',');
    out.push_back('\'');
    for (char c : col.elements[i]) {
      if (c == '\'') out.push_back('\'');
      out.push_back(c);
    }
    out.push_back('\'');
  }
  out.push_back(')');
}

void append_fsp(const char* name, unsigned fsp, std::string& out) {
  out += name;
  if (fsp > 0) {
    out.push_back('(');
    out += std::to_string(fsp);
    out.push_back(')');
  }
}

const char* geometry_name(uint32_t type) {
  switch (type) {
    case 1:
      return "point";
    case 2:
      return "linestring";
    case 3:
      return "polygon";
    case 4:
      return "multipoint";
    case 5:
      return "multilinestring";
    case 6:
      return "multipolygon";
    case 7:
      return "geometrycollection";
    default:
      return "geometry";
  }
}

}  // namespace

int canal_sql_type(const ColumnDef& col, const Value& v, bool mariadb) {
  switch (col.real_type) {
    case ColumnType::kTiny:
      return top_bit_set(v, 8) ? kSmallInt : kTinyInt;
    case ColumnType::kShort:
      return top_bit_set(v, 16) ? kInteger : kSmallInt;
    case ColumnType::kInt24:
      return kInteger;
    case ColumnType::kLong:
      return top_bit_set(v, 32) ? kBigInt : kInteger;
    case ColumnType::kLongLong:
      return top_bit_set(v, 64) ? kDecimal : kBigInt;
    case ColumnType::kFloat:
      return kReal;
    case ColumnType::kDouble:
      return kDouble;
    case ColumnType::kNewDecimal:
    case ColumnType::kDecimal:
      return kDecimal;
    case ColumnType::kBit:
    case ColumnType::kSet:
      return kBit;
    case ColumnType::kEnum:
      return kInteger;
    case ColumnType::kYear:
    case ColumnType::kJson:
    case ColumnType::kVector:
      return kVarchar;
    case ColumnType::kDate:
    case ColumnType::kNewDate:
      return kDate;
    case ColumnType::kTime:
    case ColumnType::kTime2:
      return kTime;
    case ColumnType::kDateTime:
    case ColumnType::kDateTime2:
    case ColumnType::kTimestamp:
    case ColumnType::kTimestamp2:
      return kTimestamp;
    case ColumnType::kGeometry:
      return kBlob;
    case ColumnType::kString:
      return is_binary_column(col, mariadb) ? kBlob : kChar;
    case ColumnType::kVarchar:
    case ColumnType::kVarString:
    case ColumnType::kMariaVarcharCompressed:
      return is_binary_column(col, mariadb) ? kBlob : kVarchar;
    case ColumnType::kMariaBlobCompressed:
    case ColumnType::kTinyBlob:
    case ColumnType::kMediumBlob:
    case ColumnType::kLongBlob:
    case ColumnType::kBlob:
      return is_binary_column(col, mariadb) ? kBlob : kClob;
    case ColumnType::kNull:
    case ColumnType::kTypedArray:
    case ColumnType::kInvalid:
    case ColumnType::kBool:
      return kVarchar;  // never in a row image a decoder accepts
  }
  return kVarchar;
}

void append_mysql_type(const ColumnDef& col, bool mariadb, bool display_widths,
                       std::string& out) {
  // canal prints its table meta's column type as the server reports it
  // ("int(10) unsigned", "enum('a','b')"), so a known one wins.
  if (!col.mysql_type.empty()) {
    out += col.mysql_type;
    return;
  }
  const char* unsigned_suffix = col.is_unsigned ? " unsigned" : "";
  switch (col.real_type) {
    case ColumnType::kTiny:
      out += "tinyint";
      if (display_widths) out += col.is_unsigned ? "(3)" : "(4)";
      break;
    case ColumnType::kShort:
      out += "smallint";
      if (display_widths) out += col.is_unsigned ? "(5)" : "(6)";
      break;
    case ColumnType::kInt24:
      out += "mediumint";
      if (display_widths) out += col.is_unsigned ? "(8)" : "(9)";
      break;
    case ColumnType::kLong:
      out += "int";
      if (display_widths) out += col.is_unsigned ? "(10)" : "(11)";
      break;
    case ColumnType::kLongLong:
      out += "bigint";
      if (display_widths) out += "(20)";
      break;
    case ColumnType::kFloat:
      out += "float";
      break;
    case ColumnType::kDouble:
      out += "double";
      break;
    case ColumnType::kNewDecimal:
      out += "decimal(" + std::to_string(col.precision) + "," +
             std::to_string(col.scale) + ")";
      break;
    case ColumnType::kBit:
      out += "bit(" + std::to_string(col.max_length) + ")";
      return;
    case ColumnType::kYear:
      out += display_widths ? "year(4)" : "year";
      return;
    case ColumnType::kDate:
    case ColumnType::kNewDate:
      out += "date";
      return;
    case ColumnType::kTime:
    case ColumnType::kTime2:
      append_fsp("time", col.scale, out);
      return;
    case ColumnType::kDateTime:
    case ColumnType::kDateTime2:
      append_fsp("datetime", col.scale, out);
      return;
    case ColumnType::kTimestamp:
    case ColumnType::kTimestamp2:
      append_fsp("timestamp", col.scale, out);
      return;
    case ColumnType::kString:
      out += is_binary_column(col, mariadb) ? "binary(" : "char(";
      out += std::to_string(characters(col, mariadb)) + ")";
      return;
    case ColumnType::kVarchar:
    case ColumnType::kVarString:
      out += is_binary_column(col, mariadb) ? "varbinary(" : "varchar(";
      out += std::to_string(characters(col, mariadb)) + ")";
      return;
    case ColumnType::kMariaVarcharCompressed: {
      // The stored maximum counts the compression header byte.
      ColumnDef plain = col;
      plain.max_length = col.max_length > 0 ? col.max_length - 1 : 0;
      out += is_binary_column(col, mariadb) ? "varbinary(" : "varchar(";
      out += std::to_string(characters(plain, mariadb)) + ")";
      out += kCompressedSuffix;
      return;
    }
    case ColumnType::kEnum:
      out += "enum";
      if (!col.elements.empty()) append_elements(col, out);
      return;
    case ColumnType::kSet:
      out += "set";
      if (!col.elements.empty()) append_elements(col, out);
      return;
    case ColumnType::kJson:
      out += "json";
      return;
    case ColumnType::kGeometry:
      out += geometry_name(col.geometry_type);
      return;
    case ColumnType::kVector:
      out += "vector(" + std::to_string(col.vector_dimensions) + ")";
      return;
    default:
      if (col.real_type == ColumnType::kMariaBlobCompressed) {
        ColumnDef plain = col;
        plain.real_type = ColumnType::kBlob;
        append_mysql_type(plain, mariadb, display_widths, out);
        out += kCompressedSuffix;
        return;
      }
      if (binlog::is_blob_type(col.real_type)) {
        static constexpr const char* kBlobs[] = {"tinyblob", "blob",
                                                 "mediumblob", "longblob"};
        static constexpr const char* kTexts[] = {"tinytext", "text",
                                                 "mediumtext", "longtext"};
        const size_t i =
            col.max_length >= 1 && col.max_length <= 4 ? col.max_length - 1 : 1;
        out += is_binary_column(col, mariadb) ? kBlobs[i] : kTexts[i];
        return;
      }
      out += binlog::column_type_name(col.real_type);
      return;
  }
  out += unsigned_suffix;
}

}  // namespace sluice::codec
