#include "binlog/format_description.h"

#include <charconv>
#include <numeric>

#include "binlog/event_header.h"
#include "common/byte_reader.h"

namespace sluice::binlog {
namespace {

constexpr size_t kServerVersionLength = 50;
// binlog_version(2) + server_version(50) + create_timestamp(4) + header_len(1)
constexpr size_t kFdeFixedPart = 2 + kServerVersionLength + 4 + 1;

// Post-header lengths of MySQL 8.x / MariaDB 10.x by type code, used when an
// FDE does not describe a type (or before any FDE was seen).
uint8_t default_post_header_length(uint8_t type) {
  switch (static_cast<EventType>(type)) {
    case EventType::kStartV3:
      return 56;
    case EventType::kQuery:
      return 13;
    case EventType::kRotate:
      return 8;
    case EventType::kLoad:
      return 18;
    case EventType::kCreateFile:
      return 4;
    case EventType::kAppendBlock:
      return 4;
    case EventType::kExecLoad:
      return 4;
    case EventType::kDeleteFile:
      return 4;
    case EventType::kNewLoad:
      return 18;
    case EventType::kFormatDescription:
      return 84;
    case EventType::kBeginLoadQuery:
      return 4;
    case EventType::kExecuteLoadQuery:
      return 26;
    case EventType::kTableMap:
      return 8;
    case EventType::kPreGaWriteRows:
    case EventType::kPreGaUpdateRows:
    case EventType::kPreGaDeleteRows:
      return 6;
    case EventType::kWriteRowsV1:
    case EventType::kUpdateRowsV1:
    case EventType::kDeleteRowsV1:
      return 8;
    case EventType::kIncident:
      return 2;
    case EventType::kWriteRowsV2:
    case EventType::kUpdateRowsV2:
    case EventType::kDeleteRowsV2:
    case EventType::kPartialUpdateRows:
      return 10;
    case EventType::kGtid:
    case EventType::kAnonymousGtid:
      return 42;
    case EventType::kTransactionContext:
      return 18;
    case EventType::kViewChange:
      return 52;
    case EventType::kTransactionPayload:
      return 40;
    case EventType::kMariaAnnotateRows:
      return 0;
    case EventType::kMariaBinlogCheckpoint:
      return 4;
    case EventType::kMariaGtid:
      return 19;
    case EventType::kMariaGtidList:
      return 4;
    case EventType::kMariaStartEncryption:
      return 0;
    case EventType::kMariaQueryCompressed:
      return 13;
    case EventType::kMariaWriteRowsCompressedV1:
    case EventType::kMariaUpdateRowsCompressedV1:
    case EventType::kMariaDeleteRowsCompressedV1:
      return 8;
    case EventType::kMariaWriteRowsCompressed:
    case EventType::kMariaUpdateRowsCompressed:
    case EventType::kMariaDeleteRowsCompressed:
      return 10;
    default:
      return 0;
  }
}

bool checksum_capable(const ServerVersion& v, bool mariadb) {
  return mariadb ? !(v < ServerVersion{5, 3, 0})
                 : !(v < ServerVersion{5, 6, 1});
}

// "5.1.[1-5]-a_drop5*", "5.1.4-a_drop6*", "5.2.[0-2]-a_drop6*".
bool is_drop_tree(std::string_view v) {
  if (v.size() < 14) return false;
  const bool drop5 = v.starts_with("5.1.") && v[4] >= '1' && v[4] <= '5' &&
                     v.substr(5).starts_with("-a_drop5");
  const bool drop6_51 = v.starts_with("5.1.4-a_drop6");
  const bool drop6_52 = v.starts_with("5.2.") && v[4] >= '0' && v[4] <= '2' &&
                        v.substr(5).starts_with("-a_drop6");
  return drop5 || drop6_51 || drop6_52;
}

std::string_view trim_nul(std::string_view s) {
  const size_t end = s.find('\0');
  return end == std::string_view::npos ? s : s.substr(0, end);
}

}  // namespace

ServerVersion parse_server_version(std::string_view text) {
  unsigned parts[3] = {0, 0, 0};
  const char* p = text.data();
  const char* end = text.data() + text.size();
  for (unsigned& part : parts) {
    auto [next, ec] = std::from_chars(p, end, part);
    if (ec != std::errc{}) break;
    p = next;
    if (p == end || *p != '.') break;
    ++p;
  }
  return {parts[0], parts[1], parts[2]};
}

FormatDescription::FormatDescription() {
  std::iota(type_map_.begin(), type_map_.end(), uint8_t{0});
}

uint8_t FormatDescription::post_header_length(uint8_t type) const {
  if (type >= 1 && static_cast<size_t>(type) <= post_header_lengths_.size()) {
    return post_header_lengths_[type - 1U];
  }
  return default_post_header_length(type);
}

Result<ChecksumAlg> format_description_checksum(Bytes event) {
  ByteReader r(event.subspan(std::min(event.size(), kEventHeaderSize)),
               kEventHeaderSize);
  SLUICE_RETURN_IF_ERROR(r.skip(2, "FDE binlog_version"));
  SLUICE_ASSIGN_OR_RETURN(auto version,
                          r.chars(kServerVersionLength, "FDE server_version"));
  version = trim_nul(version);
  const bool mariadb = version.find("MariaDB") != std::string_view::npos;
  if (!checksum_capable(parse_server_version(version), mariadb)) {
    return ChecksumAlg::kOff;
  }
  // The algorithm byte sits before the 4-byte checksum field, which is
  // present (possibly zero) whenever the server knows about checksums.
  if (event.size() < kEventHeaderSize + kFdeFixedPart + 1 + kChecksumSize) {
    return make_error(Errc::kTruncated,
                      "FDE too short for its checksum algorithm byte");
  }
  const uint8_t alg = load_u8(event.data() + event.size() - kChecksumSize - 1);
  switch (alg) {
    case 0:
      return ChecksumAlg::kOff;
    case 1:
      return ChecksumAlg::kCrc32;
    case 255:
      return ChecksumAlg::kUndefined;
    default:
      return make_error(
          Errc::kUnsupported,
          "FDE declares unknown checksum algorithm " + std::to_string(alg));
  }
}

Result<FormatDescription> decode_format_description(Bytes event) {
  SLUICE_ASSIGN_OR_RETURN(const ChecksumAlg alg,
                          format_description_checksum(event));
  FormatDescription fd;
  fd.checksum = alg;
  ByteReader r(event.subspan(kEventHeaderSize), kEventHeaderSize);
  SLUICE_ASSIGN_OR_RETURN(fd.binlog_version, r.u16("FDE binlog_version"));
  SLUICE_ASSIGN_OR_RETURN(auto version,
                          r.chars(kServerVersionLength, "FDE server_version"));
  fd.server_version = std::string(trim_nul(version));
  fd.mariadb = fd.server_version.find("MariaDB") != std::string::npos;
  fd.version = parse_server_version(fd.server_version);
  SLUICE_ASSIGN_OR_RETURN(fd.create_timestamp, r.u32("FDE create_timestamp"));
  SLUICE_ASSIGN_OR_RETURN(fd.header_length, r.u8("FDE header_length"));
  if (fd.binlog_version != 4) {
    return make_error(Errc::kUnsupported,
                      "binlog version " + std::to_string(fd.binlog_version) +
                          " (server " + fd.server_version +
                          "); only version 4 (MySQL 5.0+) is supported");
  }
  if (fd.header_length < kEventHeaderSize) {
    return make_error(Errc::kCorrupt, "FDE header_length " +
                                          std::to_string(fd.header_length) +
                                          " is below 19");
  }
  const bool has_alg = checksum_capable(fd.version, fd.mariadb);
  const size_t trailer = has_alg ? 1 + kChecksumSize : 0;
  if (r.remaining() < trailer) {
    return make_error(Errc::kTruncated, "FDE ends inside its checksum trailer");
  }
  SLUICE_ASSIGN_OR_RETURN(Bytes lengths, r.bytes(r.remaining() - trailer,
                                                 "FDE post-header lengths"));
  fd.post_header_lengths_.reserve(lengths.size());
  for (std::byte b : lengths) {
    fd.post_header_lengths_.push_back(static_cast<uint8_t>(b));
  }
  if (is_drop_tree(fd.server_version)) {
    // On-disk 16..22 mean TABLE_MAP, pre-GA rows x3, XID, BEGIN_LOAD_QUERY,
    // EXECUTE_LOAD_QUERY; lengths are permuted the same way.
    constexpr uint8_t kRemap[7] = {19, 20, 21, 22, 16, 17, 18};
    std::vector<uint8_t> permuted = fd.post_header_lengths_;
    for (uint8_t i = 0; i < 7; ++i) {
      const uint8_t disk = static_cast<uint8_t>(16 + i);
      fd.type_map_[disk] = kRemap[i];
      if (permuted.size() >= kRemap[i] &&
          fd.post_header_lengths_.size() >= disk) {
        permuted[kRemap[i] - 1U] = fd.post_header_lengths_[disk - 1U];
      }
    }
    fd.post_header_lengths_ = std::move(permuted);
  }
  return fd;
}

}  // namespace sluice::binlog
