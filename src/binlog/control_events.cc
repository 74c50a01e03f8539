#include "binlog/control_events.h"

#include <cstdio>

#include "common/byte_reader.h"

namespace sluice::binlog {
namespace {

[[nodiscard]] Result<std::array<uint8_t, 16>> read_uuid(ByteReader& r) {
  SLUICE_ASSIGN_OR_RETURN(Bytes b, r.bytes(16, "uuid"));
  std::array<uint8_t, 16> u{};
  for (size_t i = 0; i < 16; ++i) u[i] = static_cast<uint8_t>(b[i]);
  return u;
}

}  // namespace

std::string uuid_text(const std::array<uint8_t, 16>& uuid) {
  std::string out;
  out.reserve(36);
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[uuid[i] >> 4]);
    out.push_back(kHex[uuid[i] & 15]);
  }
  return out;
}

namespace {

// Width of a status variable whose size is fixed, 0 for the ones that start
// with a 1-byte length, -1 for codes this walk does not know (MySQL:
// statement_events.h, Query_event Q_*_CODE; MariaDB adds 128+).
int status_var_width(uint8_t code) {
  switch (code) {
    case 0:
      return 4;  // Q_FLAGS2_CODE
    case 1:
      return 8;  // Q_SQL_MODE_CODE
    case 2:
      return 0;  // Q_CATALOG_CODE (5.0.0-5.0.3), NUL-terminated too
    case 3:
      return 4;  // Q_AUTO_INCREMENT
    case 4:
      return 6;  // Q_CHARSET_CODE
    case 5:
      return 0;  // Q_TIME_ZONE_CODE
    case 6:
      return 0;  // Q_CATALOG_NZ_CODE
    case 7:
      return 2;  // Q_LC_TIME_NAMES_CODE
    case 8:
      return 2;  // Q_CHARSET_DATABASE_CODE
    case 9:
      return 8;  // Q_TABLE_MAP_FOR_UPDATE_CODE
    case 128:
      return 3;  // MariaDB Q_HRNOW
    case 129:
      return 8;  // MariaDB Q_XID
    default:
      return -1;
  }
}

// Walks the QUERY status variables up to Q_CHARSET_CODE and returns its
// character_set_client. They carry no lengths of their own, so an unknown
// code ends the walk without a charset.
uint16_t client_charset_of(Bytes status_vars) {
  constexpr uint8_t kCatalogCode = 2;
  constexpr uint8_t kCharsetCode = 4;
  ByteReader r(status_vars);
  for (;;) {
    auto code = r.u8("status variable");
    if (!code) return 0;
    if (*code == kCharsetCode) {
      auto client = r.u16("character_set_client");
      return client ? *client : uint16_t{0};
    }
    const int width = status_var_width(*code);
    if (width < 0) return 0;
    size_t skip = static_cast<size_t>(width);
    if (width == 0) {
      auto len = r.u8("status variable length");
      if (!len) return 0;
      skip = *len + (*code == kCatalogCode ? 1U : 0U);
    }
    if (!r.skip(skip, "status variable")) return 0;
  }
}

}  // namespace

Result<QueryEvent> decode_query(Bytes body, uint8_t post_header_length) {
  ByteReader r(body);
  QueryEvent q;
  SLUICE_ASSIGN_OR_RETURN(q.thread_id, r.u32("query thread id"));
  SLUICE_ASSIGN_OR_RETURN(q.exec_time, r.u32("query exec time"));
  SLUICE_ASSIGN_OR_RETURN(const uint8_t db_len, r.u8("query schema length"));
  SLUICE_ASSIGN_OR_RETURN(q.error_code, r.u16("query error code"));
  uint16_t status_len = 0;
  if (post_header_length >= 13) {
    SLUICE_ASSIGN_OR_RETURN(status_len, r.u16("query status vars length"));
    SLUICE_RETURN_IF_ERROR(
        r.skip(post_header_length - 13U, "query post-header"));
  }
  SLUICE_ASSIGN_OR_RETURN(const Bytes status_vars,
                          r.bytes(status_len, "query status vars"));
  q.client_charset = client_charset_of(status_vars);
  SLUICE_ASSIGN_OR_RETURN(q.schema, r.chars(db_len, "query schema"));
  SLUICE_RETURN_IF_ERROR(r.skip(1, "query schema terminator"));
  q.query = r.rest();
  return q;
}

Result<RotateEvent> decode_rotate(Bytes body, uint8_t post_header_length) {
  ByteReader r(body);
  RotateEvent e;
  if (post_header_length >= 8) {
    SLUICE_ASSIGN_OR_RETURN(e.position, r.u64("rotate position"));
    SLUICE_RETURN_IF_ERROR(
        r.skip(post_header_length - 8U, "rotate post-header"));
  }
  e.next_file = as_chars(r.rest());
  return e;
}

Result<uint64_t> decode_xid(Bytes body) {
  ByteReader r(body);
  return r.u64("xid");
}

std::string MysqlGtid::text() const {
  if (anonymous) return "ANONYMOUS";
  std::string out = uuid_text(uuid);
  out += ':';
  if (!tag.empty()) {
    out += tag;
    out += ':';
  }
  out += std::to_string(gno);
  return out;
}

Result<MysqlGtid> decode_mysql_gtid(Bytes body, bool anonymous) {
  ByteReader r(body);
  MysqlGtid g;
  g.anonymous = anonymous;
  SLUICE_RETURN_IF_ERROR(r.skip(1, "gtid flags"));
  SLUICE_ASSIGN_OR_RETURN(g.uuid, read_uuid(r));
  SLUICE_ASSIGN_OR_RETURN(const uint64_t gno, r.u64("gtid gno"));
  g.gno = static_cast<int64_t>(gno);
  // MySQL 5.7+: a type code and the two logical timestamps, read only when
  // all 17 bytes are there, as Gtid_event's constructor does
  // (libbinlogevents/src/control_events.cpp).
  constexpr uint8_t kLogicalTimestampTypecode = 2;
  if (r.remaining() >= 17) {
    SLUICE_ASSIGN_OR_RETURN(const uint8_t typecode, r.u8("gtid lt type"));
    if (typecode == kLogicalTimestampTypecode) {
      SLUICE_ASSIGN_OR_RETURN(const uint64_t last, r.u64("last_committed"));
      SLUICE_ASSIGN_OR_RETURN(const uint64_t seq, r.u64("sequence_number"));
      g.last_committed = static_cast<int64_t>(last);
      g.sequence_number = static_cast<int64_t>(seq);
    }
  }
  return g;
}

std::string MariaGtid::text() const {
  return std::to_string(domain_id) + "-" + std::to_string(server_id) + "-" +
         std::to_string(seq_no);
}

Result<MariaGtid> decode_maria_gtid(Bytes body, uint32_t server_id) {
  ByteReader r(body);
  MariaGtid g;
  g.server_id = server_id;
  SLUICE_ASSIGN_OR_RETURN(g.seq_no, r.u64("gtid sequence number"));
  SLUICE_ASSIGN_OR_RETURN(g.domain_id, r.u32("gtid domain id"));
  SLUICE_ASSIGN_OR_RETURN(g.flags, r.u8("gtid flags"));
  return g;
}

Result<std::string> decode_maria_gtid_list(Bytes body) {
  ByteReader r(body);
  SLUICE_ASSIGN_OR_RETURN(const uint32_t word, r.u32("gtid list count"));
  const uint32_t count = word & 0x0fffffffU;
  std::string out;
  for (uint32_t i = 0; i < count; ++i) {
    SLUICE_ASSIGN_OR_RETURN(const uint32_t domain, r.u32("gtid list domain"));
    SLUICE_ASSIGN_OR_RETURN(const uint32_t server,
                            r.u32("gtid list server id"));
    SLUICE_ASSIGN_OR_RETURN(const uint64_t seq, r.u64("gtid list sequence"));
    if (!out.empty()) out += ',';
    out += MariaGtid{domain, server, seq, 0}.text();
  }
  return out;
}

Result<TransactionPayload> decode_transaction_payload(Bytes body) {
  // (type, length, value) header fields, all length-encoded integers, until
  // type 0; the compressed events follow (MySQL: Transaction_payload_event).
  ByteReader r(body);
  TransactionPayload p;
  uint64_t payload_size = 0;
  bool have_size = false;
  for (;;) {
    SLUICE_ASSIGN_OR_RETURN(const uint64_t type,
                            r.packed_int("payload field type"));
    if (type == 0) break;
    SLUICE_ASSIGN_OR_RETURN(const uint64_t len,
                            r.packed_int("payload field length"));
    SLUICE_ASSIGN_OR_RETURN(Bytes value, r.bytes(len, "payload field value"));
    ByteReader v(value);
    switch (type) {
      case 1: {
        SLUICE_ASSIGN_OR_RETURN(payload_size, v.packed_int("payload size"));
        have_size = true;
        break;
      }
      case 2: {
        SLUICE_ASSIGN_OR_RETURN(p.compression,
                                v.packed_int("compression type"));
        break;
      }
      case 3: {
        SLUICE_ASSIGN_OR_RETURN(p.uncompressed_size,
                                v.packed_int("uncompressed size"));
        break;
      }
      default:
        break;  // fields of newer servers
    }
  }
  if (have_size && payload_size != r.remaining()) {
    return make_error(Errc::kCorrupt, "payload size field says " +
                                          std::to_string(payload_size) +
                                          " bytes, event holds " +
                                          std::to_string(r.remaining()));
  }
  p.payload = r.rest();
  return p;
}

}  // namespace sluice::binlog
