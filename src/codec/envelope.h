// What every encoded message carries besides the change itself, shared by
// the three Kafka value formats (canal flat JSON, canal protobuf, sluice
// protobuf).
#pragma once

#include <cstdint>
#include <string_view>

namespace sluice::codec {

struct Envelope {
  int64_t id = 0;         // canal's batch id
  std::string_view gtid;  // GTID of the transaction, "" without one
  int64_t ts_ms = 0;      // when the message was built
  std::string_view file;  // binlog file of the event
  uint64_t offset = 0;    // end offset of the event in `file`
  uint32_t index = 0;     // ordinal of the change among those ending there
  // The transaction's MySQL logical clock, -1 when its GTID has none.
  int64_t gtid_last_committed = -1;
  int64_t gtid_sequence_number = -1;
};

}  // namespace sluice::codec
