#include "binlog/temporal.h"

namespace sluice::binlog {
namespace {

// Unsigned fractional part of DATETIME2/TIMESTAMP2 as microseconds.
uint32_t read_fraction(const std::byte* p, unsigned fsp) {
  switch (fractional_bytes(fsp)) {
    case 1:
      return static_cast<uint32_t>(load_be(p, 1) * 10000);
    case 2:
      return static_cast<uint32_t>(load_be(p, 2) * 100);
    case 3:
      return static_cast<uint32_t>(load_be(p, 3));
    default:
      return 0;
  }
}

}  // namespace

Temporal decode_date(const std::byte* p) {
  const uint32_t v = load_le24(p);
  Temporal t;
  t.day = v & 31U;
  t.month = (v >> 5) & 15U;
  t.year = v >> 9;
  return t;
}

Temporal decode_time_v1(const std::byte* p) {
  int64_t v = sign_extend(load_le24(p), 24);
  Temporal t;
  if (v < 0) {
    t.negative = true;
    v = -v;
  }
  t.hour = static_cast<uint32_t>(v / 10000);
  t.minute = static_cast<uint32_t>(v / 100 % 100);
  t.second = static_cast<uint32_t>(v % 100);
  return t;
}

Temporal decode_datetime_v1(const std::byte* p) {
  const uint64_t v = load_le64(p);
  const uint64_t date = v / 1000000;
  const uint64_t time = v % 1000000;
  Temporal t;
  t.year = static_cast<uint32_t>(date / 10000);
  t.month = static_cast<uint32_t>(date / 100 % 100);
  t.day = static_cast<uint32_t>(date % 100);
  t.hour = static_cast<uint32_t>(time / 10000);
  t.minute = static_cast<uint32_t>(time / 100 % 100);
  t.second = static_cast<uint32_t>(time % 100);
  return t;
}

Temporal decode_time2(const std::byte* p, unsigned fsp) {
  // 3 bytes big-endian offset by 0x800000, then the fraction; with 5-6
  // digits both form one 6-byte value offset by 0x800000000000.
  int64_t packed = 0;  // (hms << 24) + microseconds, signed
  if (fsp >= 5) {
    packed = static_cast<int64_t>(load_be(p, 6)) - 0x800000000000LL;
  } else if (fsp >= 1) {
    // Fractions are stored unsigned; a negative time with a fraction
    // borrows one second (MySQL: my_time_packed_from_binary).
    int64_t intpart = static_cast<int64_t>(load_be(p, 3)) - 0x800000LL;
    const size_t width = fractional_bytes(fsp);
    int64_t frac = static_cast<int64_t>(load_be(p + 3, width));
    if (intpart < 0 && frac != 0) {
      intpart += 1;
      frac -= int64_t{1} << (8 * width);
    }
    packed = intpart * (int64_t{1} << 24) + frac * (width == 1 ? 10000 : 100);
  } else {
    packed =
        (static_cast<int64_t>(load_be(p, 3)) - 0x800000LL) * (int64_t{1} << 24);
  }
  Temporal t;
  if (packed < 0) {
    t.negative = true;
    packed = -packed;
  }
  const int64_t hms = packed >> 24;
  t.micros = static_cast<uint32_t>(packed % (int64_t{1} << 24));
  t.hour = static_cast<uint32_t>((hms >> 12) % (1 << 10));
  t.minute = static_cast<uint32_t>((hms >> 6) % (1 << 6));
  t.second = static_cast<uint32_t>(hms % (1 << 6));
  return t;
}

Temporal decode_datetime2(const std::byte* p, unsigned fsp) {
  const int64_t intpart = static_cast<int64_t>(load_be(p, 5)) - 0x8000000000LL;
  const int64_t ymd = intpart >> 17;
  const int64_t hms = intpart % (1 << 17);
  const int64_t ym = ymd >> 5;
  Temporal t;
  t.year = static_cast<uint32_t>(ym / 13);
  t.month = static_cast<uint32_t>(ym % 13);
  t.day = static_cast<uint32_t>(ymd % (1 << 5));
  t.hour = static_cast<uint32_t>(hms >> 12);
  t.minute = static_cast<uint32_t>((hms >> 6) % (1 << 6));
  t.second = static_cast<uint32_t>(hms % (1 << 6));
  t.micros = read_fraction(p + 5, fsp);
  return t;
}

int64_t decode_timestamp2(const std::byte* p, unsigned fsp, uint32_t* us) {
  *us = read_fraction(p + 4, fsp);
  return static_cast<int64_t>(load_be(p, 4));
}

}  // namespace sluice::binlog
