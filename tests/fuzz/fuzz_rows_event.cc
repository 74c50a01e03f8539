// Rows events: the input is a 2-byte TABLE_MAP length, a TABLE_MAP body, then
// a rows event body (v2, update, so both images and bitmaps are exercised).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "binlog/rows_event.h"
#include "binlog/table_map.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const size_t map_len =
      static_cast<size_t>(data[0]) | static_cast<size_t>(data[1]) << 8;
  if (map_len > size - 2) return 0;
  const auto* bytes = reinterpret_cast<const std::byte*>(data);
  auto table = sluice::binlog::decode_table_map({bytes + 2, map_len}, 8,
                                                (data[2] & 1) != 0);
  if (!table) return 0;
  const sluice::Bytes rest{bytes + 2 + map_len, size - 2 - map_len};
  for (const auto& info :
       {sluice::binlog::RowsEventInfo{sluice::binlog::RowsKind::kUpdate, true,
                                      false, true},
        sluice::binlog::RowsEventInfo{sluice::binlog::RowsKind::kInsert, false,
                                      false, false}}) {
    auto ev = sluice::binlog::decode_rows_event(info, rest, info.v2 ? 10 : 8);
    if (!ev || ev->column_count != table->columns.size()) continue;
    std::vector<sluice::binlog::Value> values;
    sluice::Bytes rows = ev->rows;
    while (!rows.empty()) {
      auto used = sluice::binlog::decode_row_image(*table, ev->columns_after,
                                                   info.partial, rows, values);
      if (!used || *used == 0) break;
      rows = rows.subspan(*used);
    }
  }
  return 0;
}
