// WRITE/UPDATE/DELETE_ROWS events: pre-GA (20-22), v1 (23-25), v2 (30-32),
// PARTIAL_UPDATE_ROWS (39) and MariaDB's compressed variants (166-171).
// MySQL: libbinlogevents/src/rows_event.cpp (Rows_event), sql/rpl_record.cc
// (unpack_row); MariaDB: sql/log_event.cc (Rows_log_event).
#pragma once

#include <cstdint>
#include <vector>

#include "binlog/table_map.h"
#include "binlog/value.h"
#include "common/bytes.h"
#include "common/error.h"

namespace sluice::binlog {

enum class RowsKind : uint8_t { kInsert, kUpdate, kDelete };

struct RowsEventInfo {
  RowsKind kind;
  bool partial;     // PARTIAL_UPDATE_ROWS: after images may hold JSON diffs
  bool compressed;  // MariaDB *_COMPRESSED: `rows` is zlib-compressed
  bool v2;          // carries the v2 extra-data block
};

// Classifies a (canonical) event type; nullopt-like false `ok` for others.
[[nodiscard]] bool rows_event_info(uint8_t type, RowsEventInfo* info);

inline constexpr uint16_t kRowsFlagStmtEnd = 0x0001;

struct RowsEvent {
  RowsEventInfo info{};
  uint64_t table_id = 0;
  uint16_t flags = 0;
  uint64_t column_count = 0;
  Bytes columns_before;  // columns-present bitmap of before images (LSB first)
  Bytes columns_after;   // of after images (UPDATE only; else == before)
  Bytes rows;            // the row images (still compressed if info.compressed)
  size_t rows_offset = 0;  // offset of `rows` within the body, for messages
};

// Decodes the post-header, extra data, column count and bitmaps.
[[nodiscard]] Result<RowsEvent> decode_rows_event(const RowsEventInfo& info,
                                                  Bytes body,
                                                  uint8_t post_header_length);

// Decodes one row image at the start of `data` into `out` (resized to the
// table's column count; columns not in `present` become kAbsent). With
// `partial_after`, reads PARTIAL_UPDATE_ROWS' value options and partial-JSON
// bitmap first. Returns the bytes consumed.
[[nodiscard]] Result<size_t> decode_row_image(const TableMap& table,
                                              Bytes present, bool partial_after,
                                              Bytes data,
                                              std::vector<Value>& out);

}  // namespace sluice::binlog
