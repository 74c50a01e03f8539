// The stateful half of the decoder: feeds complete events through the pure
// per-type decoders, keeps what later events depend on (the current FORMAT_
// DESCRIPTION, TABLE_MAPs by id) and reports row changes and transaction
// boundaries to an EventHandler. No I/O: callers hand in event bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "binlog/control_events.h"
#include "binlog/event_header.h"
#include "binlog/format_description.h"
#include "binlog/rows_event.h"
#include "binlog/table_map.h"
#include "binlog/value.h"
#include "common/bytes.h"
#include "common/error.h"

namespace sluice::binlog {

// One row change. Everything it points to is valid only during the callback.
// Inside a MySQL TRANSACTION_PAYLOAD every callback gets the payload event's
// header (the inner events carry no positions of their own).
struct RowEvent {
  const EventHeader* header = nullptr;  // of the event that ends the position
  const TableMap* table = nullptr;
  RowsKind kind = RowsKind::kInsert;
  std::span<const Value> before;  // empty for inserts
  std::span<const Value> after;   // empty for deletes
  uint32_t row_index = 0;         // 0-based within its rows event
};

// The GTID event that starts a transaction.
struct GtidInfo {
  std::string_view text;  // "uuid:n", "uuid:tag:n", "d-s-n", "ANONYMOUS"
  // The GTID itself opens a multi-event transaction and no BEGIN statement
  // follows (MariaDB's GTID without FL_STANDALONE).
  bool begins_transaction = false;
  // MySQL 5.7+ logical clock (canal's curtGtidLct and curtGtidSn); -1 when
  // the event has none (MySQL 5.6, MariaDB).
  int64_t last_committed = -1;
  int64_t sequence_number = -1;
};

class EventHandler {
 public:
  virtual ~EventHandler() = default;
  // A TABLE_MAP with a new definition (repeats of a known one are not
  // reported). The handler may complete it (column names from a schema
  // source) or set `ignored` to have its rows passed over undecoded.
  [[nodiscard]] virtual Status on_table_map(TableMap& /*map*/) { return {}; }
  [[nodiscard]] virtual Status on_row(const RowEvent& row) = 0;
  // Statements (BEGIN/COMMIT/DDL/XA ...), with decompressed text.
  [[nodiscard]] virtual Status on_query(const EventHeader& /*header*/,
                                        const QueryEvent& /*query*/,
                                        std::string_view /*sql*/) {
    return {};
  }
  // Start of a transaction: its GTID event.
  [[nodiscard]] virtual Status on_gtid(const EventHeader& /*header*/,
                                       const GtidInfo& /*gtid*/) {
    return {};
  }
  [[nodiscard]] virtual Status on_xid(const EventHeader& /*header*/,
                                      uint64_t /*xid*/) {
    return {};
  }
  // XA PREPARE (XA_PREPARE_LOG_EVENT): the prepared part of an XA
  // transaction ends here; XA COMMIT follows later as its own statement.
  [[nodiscard]] virtual Status on_xa_prepare(const EventHeader& /*header*/) {
    return {};
  }
  [[nodiscard]] virtual Status on_rotate(const EventHeader& /*header*/,
                                         const RotateEvent& /*rotate*/) {
    return {};
  }
};

class EventDecoder {
 public:
  // Decodes one complete event: 19-byte header, body and (if the current
  // format says so) CRC32 trailer, exactly header.event_size bytes.
  [[nodiscard]] Status decode(Bytes event, EventHandler& handler);

  // Forgets every TABLE_MAP, so the next one of each table is reported to
  // on_table_map again. Call after a DDL statement: with MINIMAL metadata a
  // renamed column leaves the TABLE_MAP's bytes unchanged.
  void forget_tables() { tables_.clear(); }

  [[nodiscard]] const FormatDescription& format() const { return format_; }
  [[nodiscard]] const TableMap* table(uint64_t table_id) const;

 private:
  [[nodiscard]] Status dispatch(const EventHeader& header, Bytes body,
                                EventHandler& handler);
  [[nodiscard]] Status decode_rows(const EventHeader& header,
                                   const RowsEventInfo& info, Bytes body,
                                   uint8_t post_header_length,
                                   EventHandler& handler);
  [[nodiscard]] Status decode_payload(const EventHeader& header, Bytes body,
                                      EventHandler& handler);

  FormatDescription format_;
  struct KnownTable {
    std::vector<std::byte> body;  // the TABLE_MAP body it was decoded from
    TableMap map;
  };
  std::unordered_map<uint64_t, KnownTable> tables_;
  const EventHeader* position_header_ = nullptr;  // set inside a payload
  std::vector<Value> before_;
  std::vector<Value> after_;
  std::vector<std::byte> rows_buffer_;     // inflated MariaDB rows
  std::vector<std::byte> query_buffer_;    // inflated MariaDB query text
  std::vector<std::byte> payload_buffer_;  // inflated MySQL transaction
};

}  // namespace sluice::binlog
