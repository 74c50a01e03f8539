// MySQL 8.3+ tagged GTIDs: GTID_TAGGED_LOG_EVENT (42) uses the
// mysql::serialization encoding (libs/mysql/serialization), and
// PREVIOUS_GTIDS gains a tagged format. Variable-length integers: the count
// of trailing one bits in the first byte, plus one, is the encoded width;
// the value is the little-endian bytes shifted right by that width (width 9:
// the 8 bytes after the first). Signed integers are zigzag-encoded.
#include <bit>

#include "binlog/control_events.h"
#include "common/byte_reader.h"

namespace sluice::binlog {
namespace {

[[nodiscard]] Result<uint64_t> read_varlen(ByteReader& r, const char* what) {
  if (r.empty())
    return make_error(Errc::kTruncated, std::string(what) + ": no bytes left");
  const auto first = load_u8(r.rest().data());
  const unsigned width = static_cast<unsigned>(std::countr_one(first)) + 1;
  SLUICE_ASSIGN_OR_RETURN(Bytes b, r.bytes(width, what));
  if (width == 9) return load_le(b.data() + 1, 8);
  return load_le(b.data(), width) >> width;
}

[[nodiscard]] Result<int64_t> read_signed_varlen(ByteReader& r,
                                                 const char* what) {
  SLUICE_ASSIGN_OR_RETURN(const uint64_t z, read_varlen(r, what));
  return static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
}

[[nodiscard]] Result<std::string> read_varlen_string(ByteReader& r,
                                                     const char* what) {
  SLUICE_ASSIGN_OR_RETURN(const uint64_t len, read_varlen(r, what));
  SLUICE_ASSIGN_OR_RETURN(auto s, r.chars(len, what));
  return std::string(s);
}

// Appends "start-end" (or "start") for the interval [start, end).
void append_interval(std::string& out, uint64_t start, uint64_t end) {
  out += std::to_string(start);
  if (end - 1 != start) {
    out += '-';
    out += std::to_string(end - 1);
  }
}

}  // namespace

Result<MysqlGtid> decode_mysql_tagged_gtid(Bytes body) {
  ByteReader r(body);
  SLUICE_RETURN_IF_ERROR(read_varlen(r, "tagged gtid format version"));
  SLUICE_ASSIGN_OR_RETURN(const uint64_t size,
                          read_varlen(r, "tagged gtid size"));
  if (size > body.size()) {
    return make_error(Errc::kCorrupt, "tagged gtid claims " +
                                          std::to_string(size) +
                                          " bytes, event body has " +
                                          std::to_string(body.size()));
  }
  SLUICE_RETURN_IF_ERROR(
      read_varlen(r, "tagged gtid last non-ignorable field"));
  ByteReader fields(body.first(size), 0);
  SLUICE_RETURN_IF_ERROR(fields.skip(r.position(), "tagged gtid header"));
  MysqlGtid g;
  bool have_uuid = false;
  bool have_gno = false;
  while (!fields.empty()) {
    SLUICE_ASSIGN_OR_RETURN(const uint64_t id, read_varlen(fields, "field id"));
    if (id == 1) {
      for (auto& byte : g.uuid) {
        SLUICE_ASSIGN_OR_RETURN(const uint64_t v,
                                read_varlen(fields, "uuid byte"));
        byte = static_cast<uint8_t>(v);
      }
      have_uuid = true;
    } else if (id == 2) {
      SLUICE_ASSIGN_OR_RETURN(g.gno, read_signed_varlen(fields, "gno"));
      have_gno = true;
    } else if (id == 3) {
      SLUICE_ASSIGN_OR_RETURN(g.tag, read_varlen_string(fields, "tag"));
    } else if (id == 4) {
      SLUICE_ASSIGN_OR_RETURN(g.last_committed,
                              read_signed_varlen(fields, "last_committed"));
    } else if (id == 5) {
      SLUICE_ASSIGN_OR_RETURN(g.sequence_number,
                              read_signed_varlen(fields, "sequence_number"));
    } else if (id <= 11) {
      SLUICE_RETURN_IF_ERROR(read_varlen(fields, "gtid field"));
    } else {
      break;  // fields added after MySQL 9.x; ids ascend, so uuid/gno are read
    }
  }
  if (!have_uuid || !have_gno) {
    return make_error(Errc::kCorrupt,
                      "tagged gtid lacks its uuid or gno field");
  }
  return g;
}

Result<std::string> decode_previous_gtids(Bytes body) {
  ByteReader r(body);
  SLUICE_ASSIGN_OR_RETURN(const uint64_t word, r.u64("gtid set header"));
  const bool tagged = (word >> 56) == 1;
  const uint64_t n_sids = tagged ? (word >> 8) & 0xffffffffffffULL : word;
  if (n_sids > body.size()) {
    return make_error(Errc::kCorrupt,
                      "gtid set claims " + std::to_string(n_sids) +
                          " source ids in " + std::to_string(body.size()) +
                          " bytes");
  }
  std::string out;
  std::array<uint8_t, 16> last{};
  for (uint64_t i = 0; i < n_sids; ++i) {
    SLUICE_ASSIGN_OR_RETURN(Bytes uuid_bytes, r.bytes(16, "gtid set uuid"));
    std::array<uint8_t, 16> uuid{};
    for (size_t k = 0; k < 16; ++k)
      uuid[k] = static_cast<uint8_t>(uuid_bytes[k]);
    std::string tag;
    if (tagged) {
      SLUICE_ASSIGN_OR_RETURN(tag, read_varlen_string(r, "gtid set tag"));
    }
    if (i == 0 || uuid != last) {
      if (i != 0) out += ',';
      out += uuid_text(uuid);
    }
    last = uuid;
    if (!tag.empty()) {
      out += ':';
      out += tag;
    }
    SLUICE_ASSIGN_OR_RETURN(const uint64_t n, r.u64("gtid set interval count"));
    if (n > r.remaining() / 16) {
      return make_error(Errc::kCorrupt, "gtid set claims " + std::to_string(n) +
                                            " intervals in " +
                                            std::to_string(r.remaining()) +
                                            " bytes");
    }
    for (uint64_t k = 0; k < n; ++k) {
      SLUICE_ASSIGN_OR_RETURN(const uint64_t start, r.u64("interval start"));
      SLUICE_ASSIGN_OR_RETURN(const uint64_t end, r.u64("interval end"));
      // GTID numbers run from 1 to 2^63 - 1; intervals are [start, end).
      if (start < 1 || end <= start || end > (uint64_t{1} << 63)) {
        return make_error(Errc::kCorrupt,
                          "gtid set interval [" + std::to_string(start) + ", " +
                              std::to_string(end) +
                              ") is not a valid range of transaction numbers");
      }
      out += ':';
      append_interval(out, start, end);
    }
  }
  return out;
}

}  // namespace sluice::binlog
