// The text MySQL prints for JSON scalars, shared by the binary JSON renderer
// and the JSON DOM. Implements the scalar cases of wrapper_to_string() in
// sql-common/json_dom.cc: double_quote() string escaping, my_gcvt() doubles
// (strings/dtoa.cc) with ".0" added to integral values, and the opaque
// values: packed DATE/TIME/DATETIME/TIMESTAMP (mysys/my_time.cc
// TIME_from_longlong_*_packed, printed by my_TIME_to_str with 6 fraction
// digits), NEWDECIMAL, VAR_STRING and "base64:type<N>:" with MySQL's
// base64_encode (mysys/base64.cc, a newline every 76 characters).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/error.h"

namespace sluice::binlog {

// MySQL field type numbers (enum_field_types) that opaque values carry.
inline constexpr uint8_t kFieldTypeTimestamp = 7;
inline constexpr uint8_t kFieldTypeDate = 10;
inline constexpr uint8_t kFieldTypeTime = 11;
inline constexpr uint8_t kFieldTypeDatetime = 12;
inline constexpr uint8_t kFieldTypeNewDecimal = 246;
inline constexpr uint8_t kFieldTypeVarString = 253;

// Appends `s` in double quotes, escaping '"', '\\', \b \f \n \r \t and other
// bytes below 0x20 as \u00xx; every other byte (UTF-8 included) is copied.
void append_json_quoted(std::string_view s, std::string& out);

// Appends a JSON double the way MySQL prints it: shortest round-trip digits,
// plain notation for decimal exponents -15..15 (so 100.0, 0.001), otherwise
// "1.5e300" / "1e-16" (no '+', no exponent padding); ".0" is added when the
// text has neither '.' nor 'e'.
void append_json_double(double d, std::string& out);

// Appends the text of an opaque value of MySQL field type `field_type`.
// Temporal, VAR_STRING and base64 forms are double-quoted when `quoted`;
// decimals never are. Malformed temporal or decimal data is kCorrupt and
// appends nothing.
[[nodiscard]] Status append_json_opaque(uint8_t field_type, Bytes data,
                                        bool quoted, std::string& out);

}  // namespace sluice::binlog
