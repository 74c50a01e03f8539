#include "binlog/decimal.h"

#include <array>
#include <charconv>
#include <cstdint>

namespace sluice::binlog {
namespace {

constexpr unsigned kMaxPrecision = 65;
constexpr unsigned kDigitsPerGroup = 9;
constexpr size_t kGroupBytes = 4;
constexpr std::array<size_t, kDigitsPerGroup + 1> kDig2Bytes = {0, 1, 1, 2, 2,
                                                                3, 3, 4, 4, 4};
constexpr std::array<uint32_t, kDigitsPerGroup + 1> kPow10 = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

std::string describe(unsigned precision, unsigned scale) {
  return "DECIMAL(" + std::to_string(precision) + "," + std::to_string(scale) +
         ")";
}

// Decodes the digit groups of one value. The sign-bit flip applies to the
// first byte of the whole value, and the inversion of negative values to
// every byte, so both are undone per group as it is read.
// Reads the digit groups of a value whose size was checked: each group is
// big-endian, the first has its top bit flipped, a negative value has every
// byte inverted.
class GroupReader {
 public:
  GroupReader(Bytes raw, bool negative, unsigned precision, unsigned scale)
      : raw_(raw), negative_(negative), precision_(precision), scale_(scale) {}

  // Reads a group holding `width` digits as a number.
  [[nodiscard]] Result<uint64_t> value(unsigned width) {
    if (width == 0) return 0;
    const size_t n = width == kDigitsPerGroup ? kGroupBytes : kDig2Bytes[width];
    uint64_t v = load_be(raw_.data() + pos_, n);
    const unsigned bits = static_cast<unsigned>(8 * n);
    if (pos_ == 0) v ^= uint64_t{0x80} << (bits - 8);
    if (negative_) v ^= (uint64_t{1} << bits) - 1;
    if (v >= kPow10[width]) {
      return make_error(Errc::kCorrupt,
                        describe(precision_, scale_) + ": digit group value " +
                            std::to_string(v) + " at byte " +
                            std::to_string(pos_) + " does not fit in " +
                            std::to_string(width) + " digits");
    }
    pos_ += n;
    return v;
  }

  // Reads a group holding `width` digits and writes them, zero-padded, at
  // `dst`.
  [[nodiscard]] Status read(unsigned width, char* dst) {
    SLUICE_ASSIGN_OR_RETURN(uint64_t v, value(width));
    for (unsigned i = width; i > 0; --i) {
      dst[i - 1] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    return {};
  }

 private:
  Bytes raw_;
  size_t pos_ = 0;
  bool negative_;
  unsigned precision_;
  unsigned scale_;
};

// The common case (integer part of at most 18 digits, at most 9 fraction
// digits): both parts fit in 64 bits and print with to_chars.
[[nodiscard]] Status small_decimal_to_text(Bytes raw, bool negative,
                                           unsigned precision, unsigned scale,
                                           std::string& out) {
  const unsigned intg = precision - scale;
  GroupReader groups(raw, negative, precision, scale);
  uint64_t int_part = 0;
  SLUICE_ASSIGN_OR_RETURN(const uint64_t lead,
                          groups.value(intg % kDigitsPerGroup));
  int_part = lead;
  if (intg >= kDigitsPerGroup) {
    SLUICE_ASSIGN_OR_RETURN(const uint64_t g, groups.value(kDigitsPerGroup));
    int_part = int_part * kPow10[kDigitsPerGroup] + g;
  }
  if (intg >= 2 * kDigitsPerGroup) {
    SLUICE_ASSIGN_OR_RETURN(const uint64_t g, groups.value(kDigitsPerGroup));
    int_part = int_part * kPow10[kDigitsPerGroup] + g;
  }
  SLUICE_ASSIGN_OR_RETURN(const uint64_t frac, groups.value(scale));
  // bin2decimal turns a value with no digits at all (scale 0, integer part
  // zero) into positive zero; any other negative zero keeps its sign.
  char buf[48];
  char* p = buf;
  if (negative && !(scale == 0 && int_part == 0)) *p++ = '-';
  p = std::to_chars(p, buf + sizeof buf, int_part).ptr;
  if (scale > 0) {
    *p++ = '.';
    uint64_t f = frac;
    for (unsigned i = scale; i > 0; --i) {
      p[i - 1] = static_cast<char>('0' + f % 10);
      f /= 10;
    }
    p += scale;
  }
  out.append(buf, p);
  return {};
}

}  // namespace

Result<size_t> decimal_binary_size(unsigned precision, unsigned scale) {
  if (precision < 1 || precision > kMaxPrecision || scale > precision) {
    return make_error(Errc::kCorrupt,
                      describe(precision, scale) +
                          ": precision must be 1..65 and scale <= precision");
  }
  const unsigned intg = precision - scale;
  return intg / kDigitsPerGroup * kGroupBytes +
         kDig2Bytes[intg % kDigitsPerGroup] +
         scale / kDigitsPerGroup * kGroupBytes +
         kDig2Bytes[scale % kDigitsPerGroup];
}

Status decimal_to_text(Bytes raw, unsigned precision, unsigned scale,
                       std::string& out) {
  SLUICE_ASSIGN_OR_RETURN(const size_t size,
                          decimal_binary_size(precision, scale));
  if (raw.size() != size) {
    return make_error(Errc::kCorrupt, describe(precision, scale) +
                                          ": size is " + std::to_string(size) +
                                          " bytes, value has " +
                                          std::to_string(raw.size()));
  }
  const bool negative = (load_u8(raw.data()) & 0x80) == 0;
  const unsigned intg = precision - scale;
  if (intg <= 18 && scale <= 9)
    return small_decimal_to_text(raw, negative, precision, scale, out);

  // All `precision` digits in order: integer part, then fraction.
  std::array<char, kMaxPrecision> digits{};
  char* dst = digits.data();
  GroupReader groups(raw, negative, precision, scale);
  const unsigned lead = intg % kDigitsPerGroup;
  SLUICE_RETURN_IF_ERROR(groups.read(lead, dst));
  dst += lead;
  for (unsigned i = 0; i < intg / kDigitsPerGroup; ++i) {
    SLUICE_RETURN_IF_ERROR(groups.read(kDigitsPerGroup, dst));
    dst += kDigitsPerGroup;
  }
  for (unsigned i = 0; i < scale / kDigitsPerGroup; ++i) {
    SLUICE_RETURN_IF_ERROR(groups.read(kDigitsPerGroup, dst));
    dst += kDigitsPerGroup;
  }
  SLUICE_RETURN_IF_ERROR(groups.read(scale % kDigitsPerGroup, dst));

  unsigned first = 0;
  while (first < intg && digits[first] == '0') ++first;
  // bin2decimal turns a value with no digits at all (scale 0, integer part
  // zero) into positive zero; any other negative zero keeps its sign.
  if (negative && !(scale == 0 && first == intg)) out.push_back('-');
  if (first == intg) {
    out.push_back('0');
  } else {
    out.append(digits.data() + first, intg - first);
  }
  if (scale > 0) {
    out.push_back('.');
    out.append(digits.data() + intg, scale);
  }
  return {};
}

}  // namespace sluice::binlog
