#include "binlog/event_header.h"

#include <string>

#include "common/byte_reader.h"

namespace sluice::binlog {

Result<EventHeader> decode_event_header(Bytes data) {
  ByteReader r(data);
  EventHeader h;
  SLUICE_ASSIGN_OR_RETURN(h.timestamp, r.u32("event header timestamp"));
  SLUICE_ASSIGN_OR_RETURN(h.type, r.u8("event header type"));
  SLUICE_ASSIGN_OR_RETURN(h.server_id, r.u32("event header server_id"));
  SLUICE_ASSIGN_OR_RETURN(h.event_size, r.u32("event header event_size"));
  SLUICE_ASSIGN_OR_RETURN(h.log_pos, r.u32("event header log_pos"));
  SLUICE_ASSIGN_OR_RETURN(h.flags, r.u16("event header flags"));
  if (h.event_size < kEventHeaderSize) {
    return make_error(Errc::kCorrupt,
                      "event_size " + std::to_string(h.event_size) +
                          " is smaller than the 19-byte event header");
  }
  return h;
}

}  // namespace sluice::binlog
