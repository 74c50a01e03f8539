// Temporal column encodings in row images: the pre-5.6 formats (DATE, TIME,
// DATETIME, TIMESTAMP) and the 5.6.4+ "2" formats with fractional seconds.
// MySQL: mysys/my_time.cc (my_datetime_packed_from_binary,
// my_time_packed_from_binary, my_timestamp_from_binary).
#pragma once

#include <cstdint>

#include "binlog/value.h"
#include "common/bytes.h"

namespace sluice::binlog {

// Storage bytes of the fractional part for `fsp` digits (0-6).
[[nodiscard]] constexpr size_t fractional_bytes(unsigned fsp) {
  return (fsp + 1) / 2;
}

// Each decoder reads exactly the bytes its format needs; the caller has
// checked that they are present.
[[nodiscard]] Temporal decode_date(const std::byte* p);         // 3 bytes
[[nodiscard]] Temporal decode_time_v1(const std::byte* p);      // 3 bytes
[[nodiscard]] Temporal decode_datetime_v1(const std::byte* p);  // 8 bytes
[[nodiscard]] Temporal decode_time2(const std::byte* p, unsigned fsp);
[[nodiscard]] Temporal decode_datetime2(const std::byte* p, unsigned fsp);
// TIMESTAMP2: seconds (4 bytes big-endian) + fraction; returns micros in *us.
[[nodiscard]] int64_t decode_timestamp2(const std::byte* p, unsigned fsp,
                                        uint32_t* us);

}  // namespace sluice::binlog
