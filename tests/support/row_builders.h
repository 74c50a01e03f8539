// Hand-built table definitions and row changes for codec tests: the seed's
// test.commission table and values of its column types.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string>

#include "binlog/event_decoder.h"
#include "common/bytes.h"

namespace sluice::test_rows {

inline binlog::ColumnDef column(const char* name, binlog::ColumnType type,
                                uint32_t collation = 0) {
  binlog::ColumnDef c;
  c.name = name;
  c.type = type;
  c.real_type = type;
  c.collation = collation;
  return c;
}

// test.commission as the seed defines it.
inline binlog::TableMap commission() {
  binlog::TableMap t;
  t.schema = "test";
  t.table = "commission";
  auto id = column("id", binlog::ColumnType::kLongLong);
  id.primary_key = true;
  auto user = column("user_id", binlog::ColumnType::kLongLong);
  auto biz = column("biz_type", binlog::ColumnType::kVarchar, 45);
  biz.max_length = 128;
  auto amount = column("amount", binlog::ColumnType::kNewDecimal);
  amount.precision = 18;
  amount.scale = 2;
  auto status = column("status", binlog::ColumnType::kTiny);
  auto remark = column("remark", binlog::ColumnType::kVarchar, 45);
  remark.max_length = 256;
  auto created = column("created_at", binlog::ColumnType::kDateTime2);
  created.scale = 3;
  t.columns = {id, user, biz, amount, status, remark, created};
  return t;
}

inline binlog::Value signed_value(int64_t v) {
  binlog::Value x;
  x.kind = binlog::ValueKind::kSigned;
  x.i = v;
  return x;
}
// A string value viewing the bytes of `s`, which must outlive it.
inline binlog::Value text(const std::string& s) {
  binlog::Value x;
  x.kind = binlog::ValueKind::kString;
  x.raw = as_bytes(s);
  return x;
}
inline binlog::Value null_value() {
  binlog::Value x;
  x.kind = binlog::ValueKind::kNull;
  return x;
}

// A rows event's header: 120 bytes ending at offset 1120, server 7.
inline binlog::EventHeader event_header() {
  binlog::EventHeader h;
  h.timestamp = 1700000000;
  h.server_id = 7;
  h.event_size = 120;
  h.log_pos = 1120;
  return h;
}

inline binlog::RowEvent row_change(const binlog::EventHeader& header,
                                   const binlog::TableMap& table,
                                   binlog::RowsKind kind,
                                   std::span<const binlog::Value> before,
                                   std::span<const binlog::Value> after) {
  binlog::RowEvent row;
  row.header = &header;
  row.table = &table;
  row.kind = kind;
  row.before = before;
  row.after = after;
  return row;
}

// DECIMAL(18,2) 2.50: 9 integer digits -> 4 bytes, 2 fraction digits -> 1.
inline const std::array<std::byte, 9> kTwoFifty = {
    std::byte{0x80}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0},
    std::byte{0},    std::byte{0}, std::byte{2}, std::byte{50}};
inline const std::array<std::byte, 9> kThree = {
    std::byte{0x80}, std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0},
    std::byte{0},    std::byte{0}, std::byte{3}, std::byte{0}};

inline binlog::Value decimal(const std::array<std::byte, 9>& raw) {
  binlog::Value x;
  x.kind = binlog::ValueKind::kDecimal;
  x.raw = raw;
  return x;
}

inline binlog::Value datetime() {
  binlog::Value x;
  x.kind = binlog::ValueKind::kDateTime;
  x.t = {2024, 3, 5, 7, 8, 9, 120000, false};
  return x;
}

}  // namespace sluice::test_rows
