// TABLE_MAP bodies with optional metadata, read both as MySQL and MariaDB.
#include <cstddef>
#include <cstdint>

#include "binlog/table_map.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const sluice::Bytes body{reinterpret_cast<const std::byte*>(data), size};
  (void)sluice::binlog::decode_table_map(body, 8, false);
  (void)sluice::binlog::decode_table_map(body, 8, true);
  (void)sluice::binlog::decode_table_map(body, 6, false);
  return 0;
}
