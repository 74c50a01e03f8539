#include "binlog/event_framing.h"

#include <cstdio>
#include <string>

#include "binlog/event_header.h"
#include "binlog/event_type.h"

namespace sluice::binlog {

Status check_binlog_magic(Bytes file) {
  if (file.size() < kBinlogMagicSize) {
    return make_error(Errc::kTruncated,
                      "file has " + std::to_string(file.size()) +
                          " bytes, fewer than the 4-byte binlog magic");
  }
  const uint8_t magic[4] = {0xfe, 'b', 'i', 'n'};
  for (size_t i = 0; i < kBinlogMagicSize; ++i) {
    if (load_u8(file.data() + i) != magic[i]) {
      char found[16];
      std::snprintf(found, sizeof found, "%02x %02x %02x %02x",
                    load_u8(file.data()), load_u8(file.data() + 1),
                    load_u8(file.data() + 2), load_u8(file.data() + 3));
      std::string hint;
      if (load_u8(file.data()) == 0x1f && load_u8(file.data() + 1) == 0x8b) {
        hint = "; it is gzip-compressed: gunzip it first";
      }
      return make_error(Errc::kCorrupt,
                        std::string("bad magic ") + found +
                            ": not a binlog file (expected fe 62 69 6e)" +
                            hint);
    }
  }
  return {};
}

Result<FramedEvent> frame_event(Bytes file, uint64_t offset) {
  if (offset > file.size()) {
    return make_error(Errc::kCorrupt, "offset " + std::to_string(offset) +
                                          " is past the end of the " +
                                          std::to_string(file.size()) +
                                          "-byte file");
  }
  const size_t left = file.size() - offset;
  if (left < kEventHeaderSize) {
    std::string type;
    if (left > 4)
      type = " (" + event_type_name(load_u8(file.data() + offset + 4)) + ")";
    return make_error(Errc::kTruncated, "file ends inside an event header" +
                                            type + ": " + std::to_string(left) +
                                            " of 19 bytes present");
  }
  SLUICE_ASSIGN_OR_RETURN(const EventHeader h, decode_event_header(file.subspan(
                                                   offset, kEventHeaderSize)));
  if (h.event_size > left) {
    return make_error(Errc::kTruncated,
                      event_type_name(h.type) + " event needs " +
                          std::to_string(h.event_size) + " bytes, file has " +
                          std::to_string(left) + " left");
  }
  return FramedEvent{file.subspan(offset, h.event_size), offset, h.type};
}

}  // namespace sluice::binlog
