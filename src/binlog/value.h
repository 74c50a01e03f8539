// One decoded column value of a row image. Byte views (`raw`) point into the
// event's bytes or into the decoder's decompression buffers: they are valid
// only until the next EventDecoder::decode call. Whoever keeps a value longer
// copies its bytes.
#pragma once

#include <cstdint>

#include "common/bytes.h"

namespace sluice::binlog {

enum class ValueKind : uint8_t {
  kAbsent,  // column not in this image (MINIMAL/NOBLOB row image)
  kNull,
  kSigned,     // i: TINY..LONGLONG of a signed (or unknown-signedness) column
  kUnsigned,   // u: same, column flagged unsigned
  kFloat,      // d: FLOAT widened to double
  kDouble,     // d
  kDecimal,    // raw: MySQL binary decimal; column precision/scale apply
  kBit,        // u: the bits, right-aligned
  kYear,       // i: 0 or 1901..2155
  kDate,       // t
  kTime,       // t (hours may exceed 24, negative flag)
  kDateTime,   // t
  kTimestamp,  // i: seconds since the epoch; t.micros
  kEnum,       // u: 1-based index, 0 = the empty error value
  kSet,        // u: bitmask
  kString,     // raw: CHAR/VARCHAR/BINARY/VARBINARY/TEXT/BLOB bytes
  kCompressedString,  // raw: MariaDB COMPRESSED column, see
                      // maria_column_uncompress
  kJson,              // raw: MySQL binary JSON (MariaDB JSON is a kString)
  kJsonDiff,  // raw: partial JSON update (PARTIAL_UPDATE_ROWS after image)
  kGeometry,  // raw: 4-byte SRID + WKB
  kVector,    // raw: little-endian float32 elements
};

struct Temporal {
  uint32_t year = 0;
  uint32_t month = 0;
  uint32_t day = 0;
  uint32_t hour = 0;  // TIME: 0..838 (more in MySQL 8 hour-overflow cases)
  uint32_t minute = 0;
  uint32_t second = 0;
  uint32_t micros = 0;
  bool negative = false;  // TIME only
};

struct Value {
  ValueKind kind = ValueKind::kAbsent;
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  Bytes raw;
  Temporal t;
};

}  // namespace sluice::binlog
