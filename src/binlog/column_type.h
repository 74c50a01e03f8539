// Column type codes as TABLE_MAP events carry them (MySQL:
// include/field_types.h, enum_field_types; MariaDB adds 140/141 for
// compressed columns).
#pragma once

#include <cstdint>
#include <string>

namespace sluice::binlog {

enum class ColumnType : uint8_t {
  kDecimal = 0,
  kTiny = 1,
  kShort = 2,
  kLong = 3,
  kFloat = 4,
  kDouble = 5,
  kNull = 6,
  kTimestamp = 7,
  kLongLong = 8,
  kInt24 = 9,
  kDate = 10,
  kTime = 11,
  kDateTime = 12,
  kYear = 13,
  kNewDate = 14,
  kVarchar = 15,
  kBit = 16,
  kTimestamp2 = 17,
  kDateTime2 = 18,
  kTime2 = 19,
  kTypedArray = 20,
  kMariaBlobCompressed = 140,
  kMariaVarcharCompressed = 141,
  kVector = 242,
  kInvalid = 243,
  kBool = 244,
  kJson = 245,
  kNewDecimal = 246,
  kEnum = 247,
  kSet = 248,
  kTinyBlob = 249,
  kMediumBlob = 250,
  kLongBlob = 251,
  kBlob = 252,
  kVarString = 253,
  kString = 254,
  kGeometry = 255,
};

// "LONG", "VARCHAR", ... as the server headers name the types without the
// MYSQL_TYPE_ prefix; "TYPE_<n>" for codes no server defines.
[[nodiscard]] std::string column_type_name(ColumnType t);

// True for the BLOB/TEXT family (TINY/MEDIUM/LONG/BLOB and MariaDB's
// compressed BLOB).
[[nodiscard]] inline bool is_blob_type(ColumnType t) {
  return t == ColumnType::kBlob || t == ColumnType::kTinyBlob ||
         t == ColumnType::kMediumBlob || t == ColumnType::kLongBlob ||
         t == ColumnType::kMariaBlobCompressed;
}

// Number of TABLE_MAP metadata bytes the type carries (0, 1 or 2), or -1 for
// a type code no server defines (its metadata width is unknown).
[[nodiscard]] int column_metadata_size(ColumnType t);

}  // namespace sluice::binlog
