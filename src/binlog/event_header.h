// The v4 common event header (19 bytes) that starts every binlog event since
// MySQL 5.0 (binlog version 4). MySQL: libbinlogevents/include/binlog_event.h,
// Log_event_header.
#pragma once

#include <cstdint>

#include "common/bytes.h"
#include "common/error.h"

namespace sluice::binlog {

inline constexpr size_t kEventHeaderSize = 19;
inline constexpr uint16_t kFlagIgnorable = 0x80;  // LOG_EVENT_IGNORABLE_F

struct EventHeader {
  uint32_t timestamp = 0;  // seconds since the epoch, when the statement began
  uint8_t type = 0;        // EventType code as written on disk
  uint32_t server_id = 0;
  uint32_t event_size = 0;  // header + body + checksum
  uint32_t log_pos = 0;     // end position of this event in the source binlog
  uint16_t flags = 0;
};

// Reads the first 19 bytes of `data`. Fails with kTruncated when fewer are
// present and kCorrupt when event_size cannot even hold the header.
[[nodiscard]] Result<EventHeader> decode_event_header(Bytes data);

}  // namespace sluice::binlog
