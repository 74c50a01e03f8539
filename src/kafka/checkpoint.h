// The checkpoint record (DESIGN §4): where a destination resumes, written to
// the compacted topic `sluice.meta.topic` (default `__sluice_positions`)
// with the destination as key, in the same Kafka transaction as the rows it
// covers. The value is a small JSON object:
//   {"file":"mysql-bin.000003","pos":4711,"gtid_set":"0-1-42",
//    "rows_in_txn":0,"txn_gtid":"","server_id":1,"server_uuid":"",
//    "ts":1700000000123}
// `file`:`pos` is the end of the last MySQL transaction published whole;
// `rows_in_txn` counts the changes of the next transaction already
// published (a transaction larger than a batch spans several Kafka
// transactions), which resume passes over.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"

namespace sluice::kafka {

struct Checkpoint {
  std::string file;
  uint64_t pos = 4;
  std::string gtid_set;  // executed GTID set (MySQL) or position (MariaDB)
  uint64_t rows_in_txn = 0;
  std::string txn_gtid;  // GTID of the transaction rows_in_txn counts in
  uint32_t server_id = 0;
  std::string server_uuid;
  int64_t ts_ms = 0;  // when it was written

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// The record value.
[[nodiscard]] std::string encode_checkpoint(const Checkpoint& c);

// Parses a record value; kCorrupt names what is wrong. Keys it does not
// know are passed over (a newer sluice may add some).
[[nodiscard]] Result<Checkpoint> parse_checkpoint(std::string_view json);

}  // namespace sluice::kafka
