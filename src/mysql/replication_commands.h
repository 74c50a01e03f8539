// Command payloads a replica sends: COM_QUERY, COM_REGISTER_SLAVE,
// COM_BINLOG_DUMP and COM_BINLOG_DUMP_GTID. MySQL: Client/Server Protocol,
// "Replication Protocol" (sql/rpl_source.cc / rpl_master.cc
// register_replica, com_binlog_dump, com_binlog_dump_gtid); MariaDB:
// sql/sql_repl.cc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/error.h"

namespace sluice::mysql {

inline constexpr uint8_t kComQuit = 0x01;
inline constexpr uint8_t kComQuery = 0x03;
inline constexpr uint8_t kComBinlogDump = 0x12;
inline constexpr uint8_t kComRegisterSlave = 0x15;
inline constexpr uint8_t kComBinlogDumpGtid = 0x1e;

// COM_BINLOG_DUMP_GTID: the GTID set decides where to start.
inline constexpr uint16_t kDumpFlagThroughGtid = 0x04;

[[nodiscard]] std::vector<std::byte> com_query(std::string_view sql);

struct RegisterReplica {
  uint32_t server_id = 0;
  std::string host;  // what SHOW REPLICAS shows; at most 255 bytes
  std::string user;
  uint16_t port = 0;
};
// The password field is sent empty: the server stores it for SHOW REPLICAS
// only, and sluice never puts secrets on display.
[[nodiscard]] Result<std::vector<std::byte>> com_register_slave(
    const RegisterReplica& r);

// Start at `file` and byte `position` (4 = the first event). The wire field
// is 32 bits: positions past 4 GiB are kUnsupported.
[[nodiscard]] Result<std::vector<std::byte>> com_binlog_dump(
    std::string_view file, uint64_t position, uint32_t server_id,
    uint16_t flags);

// MySQL 5.6+: start after the transactions in `gtid_set_encoded`
// (MysqlGtidSet::encode); `file`/`position` may be "" / 4.
[[nodiscard]] std::vector<std::byte> com_binlog_dump_gtid(
    std::string_view file, uint64_t position, uint32_t server_id,
    Bytes gtid_set_encoded);

}  // namespace sluice::mysql
