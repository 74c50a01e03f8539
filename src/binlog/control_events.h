// Events that carry no row data but position, transaction and statement
// boundaries: QUERY, ROTATE, XID, MySQL GTID/ANONYMOUS_GTID/GTID_TAGGED,
// PREVIOUS_GTIDS, MariaDB GTID and GTID_LIST, ANNOTATE_ROWS, ROWS_QUERY,
// TRANSACTION_PAYLOAD. MySQL: libbinlogevents/src/control_events.cpp,
// statement_events.cpp; MariaDB: sql/log_event.cc.
// String views point into the event body passed in.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/error.h"

namespace sluice::binlog {

struct QueryEvent {
  uint32_t thread_id = 0;
  uint32_t exec_time = 0;
  uint16_t error_code = 0;
  // character_set_client from the Q_CHARSET_CODE status variable (a collation
  // id), 0 when the event does not carry it.
  uint16_t client_charset = 0;
  std::string_view schema;  // the session's default database
  Bytes query;              // statement text (compressed for QUERY_COMPRESSED)
};
[[nodiscard]] Result<QueryEvent> decode_query(Bytes body,
                                              uint8_t post_header_length);

struct RotateEvent {
  uint64_t position = 0;
  std::string_view next_file;
};
[[nodiscard]] Result<RotateEvent> decode_rotate(Bytes body,
                                                uint8_t post_header_length);

[[nodiscard]] Result<uint64_t> decode_xid(Bytes body);

// A MySQL transaction identifier "uuid:gno" or, from 8.3 on, "uuid:tag:gno".
struct MysqlGtid {
  bool anonymous = false;
  std::array<uint8_t, 16> uuid{};
  std::string tag;
  int64_t gno = 0;
  // The logical clock (MySQL 5.7+); -1 when the event carries none.
  int64_t last_committed = -1;
  int64_t sequence_number = -1;
  [[nodiscard]] std::string text() const;
};
[[nodiscard]] Result<MysqlGtid> decode_mysql_gtid(Bytes body, bool anonymous);
// GTID_TAGGED_LOG_EVENT (42): fields in MySQL's mysql::serialization format.
[[nodiscard]] Result<MysqlGtid> decode_mysql_tagged_gtid(Bytes body);
// PREVIOUS_GTIDS as MySQL prints a GTID set ("uuid:1-5:tag:1-2,uuid2:7").
[[nodiscard]] Result<std::string> decode_previous_gtids(Bytes body);

// MariaDB GTID flags2 (sql/log_event.h Gtid_log_event::FL_STANDALONE): the
// transaction is one statement (DDL) with no BEGIN/COMMIT around it.
inline constexpr uint8_t kMariaGtidStandalone = 0x01;

struct MariaGtid {
  uint32_t domain_id = 0;
  uint32_t server_id = 0;
  uint64_t seq_no = 0;
  uint8_t flags = 0;
  [[nodiscard]] std::string text() const;  // "domain-server-seq"
};
[[nodiscard]] Result<MariaGtid> decode_maria_gtid(Bytes body,
                                                  uint32_t server_id);
// GTID_LIST as MariaDB prints it ("0-1-30,5-1-1").
[[nodiscard]] Result<std::string> decode_maria_gtid_list(Bytes body);

struct TransactionPayload {
  uint64_t compression = 0;  // 0 = zstd, 255 = none
  uint64_t uncompressed_size = 0;
  Bytes payload;
};
[[nodiscard]] Result<TransactionPayload> decode_transaction_payload(Bytes body);

// "8a6f...-..." lower-case 8-4-4-4-12 form of a 16-byte UUID.
[[nodiscard]] std::string uuid_text(const std::array<uint8_t, 16>& uuid);

}  // namespace sluice::binlog
