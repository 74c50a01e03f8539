// Puts a value decoded by sluice and the same value as mariadb-binlog -vv
// printed it (support/mariadb_binlog_oracle.h) into one normalised text per
// type, so that they compare with ==: formats are normalised, values are not.
//
// The normalised text is the tool's printed form (MariaDB:
// sql/log_event_client.cc, log_event_print_value), except where the tool's
// form loses or bends the value:
//   integers   "<signed reading>" plus " (<unsigned reading>)" when negative,
//              whatever the column's signedness, as the tool prints them
//   FLOAT      the tool prints "%g" (6 significant digits): equal when our
//              value lies within half a unit of the last printed digit
//   DOUBLE     the tool prints "%.20g", which round-trips: equal as doubles
//   DECIMAL    decimal2string text, exact
//   strings    quoted and escaped as the tool does (bytes below 0x20 as
//              \xNN), so the bytes compare exactly
//   DATE       'YYYY:MM:DD' (the tool's colons); TIME/DATETIME quoted with
//              the column's fractional digits; old TIMESTAMP and TIMESTAMP2
//              as epoch seconds[.fraction]
//   YEAR       four digits; the tool's 1900 (it adds 1900 to the stored 0)
//              becomes 0000
//   BIT, SET   the number the bits stand for (BIT big-endian, SET
//              little-endian bytes); ENUM the 1-based index
#pragma once

#include <string>
#include <string_view>

#include "binlog/table_map.h"
#include "binlog/value.h"
#include "support/mariadb_binlog_oracle.h"

namespace sluice::testing {

// Our value, normalised. "NULL" for kNull; kinds the tool cannot print
// (MySQL JSON, JSON diffs, VECTOR) and absent columns give "<...>" texts that
// match nothing the tool prints.
[[nodiscard]] std::string format_value(const binlog::Value& value,
                                       const binlog::ColumnDef& column);

// The tool's value, normalised. Uses only what the tool printed (value and
// type comment), never our column definition.
[[nodiscard]] std::string normalise_oracle_value(const OracleValue& value);

struct ValueMatch {
  bool equal = false;
  std::string ours;    // format_value()
  std::string theirs;  // normalise_oracle_value()
};

// Compares our value of `column` with the tool's: the normalised texts must be
// equal, except FLOAT and DOUBLE, which compare as numbers (see above).
[[nodiscard]] ValueMatch match_value(const binlog::Value& value,
                                     const binlog::ColumnDef& column,
                                     const OracleValue& oracle);

// A normalised text made fit for a failure message: bytes outside printable
// ASCII as \xNN, long texts cut with their full length noted.
[[nodiscard]] std::string printable(std::string_view text);

}  // namespace sluice::testing
