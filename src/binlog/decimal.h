// MySQL's binary DECIMAL format, as stored in row events (column type 246,
// MYSQL_TYPE_NEWDECIMAL) and inside JSON opaque values. Implements the layout
// of strings/decimal.cc decimal2bin()/bin2decimal() and the text form of
// decimal2string() that mysqlbinlog -v prints.
//
// Layout: the integer digits, then the fraction digits, each split into
// groups of 9 decimal digits stored as 4-byte big-endian integers; the
// leftover digits (the most significant ones of the integer part, the least
// significant ones of the fraction) take 1-4 bytes (dig2bytes). The top bit of
// the first byte is flipped, and a negative value has every byte inverted.
#pragma once

#include <cstddef>
#include <string>

#include "common/bytes.h"
#include "common/error.h"

namespace sluice::binlog {

// Bytes a DECIMAL(precision, scale) value occupies. kCorrupt unless
// 1 <= precision <= 65 and scale <= precision.
[[nodiscard]] Result<size_t> decimal_binary_size(unsigned precision,
                                                 unsigned scale);

// Appends the text of the DECIMAL(precision, scale) value in `raw`, which must
// be exactly decimal_binary_size() bytes: an optional "-", the integer part
// without leading zeros (at least "0"), then "." and exactly `scale` digits
// when scale > 0. A negative zero prints as MySQL's decimal2string prints it:
// "-0.00" when scale > 0, but "0" when scale == 0 (bin2decimal resets a value
// with no digits at all to positive zero). A digit group out of range is
// kCorrupt. Appends nothing on error; allocates nothing beyond `out`.
[[nodiscard]] Status decimal_to_text(Bytes raw, unsigned precision,
                                     unsigned scale, std::string& out);

}  // namespace sluice::binlog
