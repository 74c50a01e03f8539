// Runs local binlog files, in the order given, through one EventDecoder, so
// table maps and the format description carry across ROTATE into the next
// file. Errors name the file, the event's byte offset and its type.
#pragma once

#include <string>
#include <vector>

#include "binlog/event_decoder.h"
#include "common/error.h"

namespace sluice::mysql {

// Where the event being decoded sits; updated before each event.
struct FilePosition {
  std::string file;
  uint64_t offset = 0;  // start of the current event
  uint64_t end = 0;     // offset just past it
};

// Decodes every event of every file. On failure the message reads
// "<file>: offset <n>: <TYPE> event: <reason>"; events before it were handed
// to `handler` already. `position`, if given, tracks the current event.
[[nodiscard]] Status decode_binlog_files(const std::vector<std::string>& paths,
                                         binlog::EventDecoder& decoder,
                                         binlog::EventHandler& handler,
                                         FilePosition* position = nullptr);

// The same for the bytes of one binlog file already in memory; `name` is
// used in messages and in `position`.
[[nodiscard]] Status decode_binlog_bytes(const std::string& name, Bytes bytes,
                                         binlog::EventDecoder& decoder,
                                         binlog::EventHandler& handler,
                                         FilePosition* position = nullptr);

}  // namespace sluice::mysql
