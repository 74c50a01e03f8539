// DECIMAL(precision, scale) values: precision and scale from the first two
// bytes, the raw value after them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "binlog/decimal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const unsigned precision = data[0];
  const unsigned scale = data[1];
  auto width = sluice::binlog::decimal_binary_size(precision, scale);
  if (!width || *width > size - 2) return 0;
  std::string out;
  (void)sluice::binlog::decimal_to_text(
      {reinterpret_cast<const std::byte*>(data) + 2, *width}, precision, scale,
      out);
  return 0;
}
