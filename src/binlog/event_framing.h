// Framing of events in a binlog file: the 4-byte magic, then events laid end
// to end, each as long as its header's event_size says. MySQL:
// libbinlogevents/include/binlog_event.h (BINLOG_MAGIC, LOG_EVENT_HEADER_LEN).
#pragma once

#include <cstdint>

#include "common/bytes.h"
#include "common/error.h"

namespace sluice::binlog {

inline constexpr size_t kBinlogMagicSize = 4;

// kCorrupt unless `file` starts with 0xfe 'b' 'i' 'n'; kTruncated if shorter.
[[nodiscard]] Status check_binlog_magic(Bytes file);

struct FramedEvent {
  Bytes data;       // the whole event, header to checksum
  uint64_t offset;  // where it starts in the file
  uint8_t type;     // on-disk type code, for messages
};

// Frames the event that starts at `offset`. Errors say how many bytes the
// event needs and how many the file has, and carry the type when known.
[[nodiscard]] Result<FramedEvent> frame_event(Bytes file, uint64_t offset);

}  // namespace sluice::binlog
