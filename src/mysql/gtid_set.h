// Replication start positions by GTID, as replicas send them.
//   MySQL: a GTID set "uuid:1-5:7,uuid2:1-3" (sql/rpl_gtid.h Gtid_set; text
//   form as in @@gtid_executed), encoded for COM_BINLOG_DUMP_GTID as
//   Gtid_set::encode writes it: n_sids, then per UUID its 16 bytes, the
//   interval count and [start, end) pairs, all 8-byte little endian.
//   MariaDB: a GTID position "0-1-100,1-2-7", one domain-server-seq triple
//   per replication domain (sql/rpl_gtid.h rpl_slave_state), sent as the
//   user variable @slave_connect_state.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/error.h"

namespace sluice::mysql {

class MysqlGtidSet {
 public:
  using Uuid = std::array<std::byte, 16>;
  struct Interval {
    uint64_t first;  // inclusive
    uint64_t last;   // inclusive
  };

  // Parses the text form; whitespace (gtid_executed has newlines after the
  // commas) is ignored. Tagged GTIDs (MySQL 8.3+) are kUnsupported.
  [[nodiscard]] static Result<MysqlGtidSet> parse(std::string_view text);

  // Adds one transaction, given as the decoder reports it ("uuid:n").
  [[nodiscard]] Status add(std::string_view gtid);
  void add(const Uuid& uuid, uint64_t gno);

  [[nodiscard]] bool empty() const { return sets_.empty(); }
  // Canonical text: UUIDs in byte order, intervals merged and ascending.
  [[nodiscard]] std::string to_string() const;
  // The COM_BINLOG_DUMP_GTID data block.
  [[nodiscard]] std::vector<std::byte> encode() const;

 private:
  std::map<Uuid, std::vector<Interval>> sets_;
};

class MariaDbGtidPos {
 public:
  struct Gtid {
    uint32_t domain;
    uint32_t server;
    uint64_t seq;
  };

  // "d-s-n[,d-s-n...]"; at most one GTID per domain; "" is the empty
  // position (start of the oldest binlog).
  [[nodiscard]] static Result<MariaDbGtidPos> parse(std::string_view text);

  // Records a completed transaction ("d-s-n"): its domain's entry becomes it.
  [[nodiscard]] Status update(std::string_view gtid);

  [[nodiscard]] const std::vector<Gtid>& gtids() const { return gtids_; }
  [[nodiscard]] bool empty() const { return gtids_.empty(); }
  // Domains ascending, "d-s-n,d-s-n".
  [[nodiscard]] std::string to_string() const;

 private:
  void set(const Gtid& g);
  std::vector<Gtid> gtids_;  // sorted by domain
};

// Parses a MariaDB GTID "d-s-n".
[[nodiscard]] Result<MariaDbGtidPos::Gtid> parse_mariadb_gtid(
    std::string_view text);

}  // namespace sluice::mysql
