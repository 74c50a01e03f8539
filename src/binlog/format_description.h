// FORMAT_DESCRIPTION_EVENT (type 15): binlog version, server version, header
// length, per-type post-header lengths and the checksum algorithm of the
// events that follow. MySQL: libbinlogevents/src/control_events.cpp,
// Format_description_event; MariaDB: sql/log_event.cc.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "binlog/checksum.h"
#include "binlog/event_type.h"
#include "common/bytes.h"
#include "common/error.h"

namespace sluice::binlog {

struct ServerVersion {
  unsigned major = 0;
  unsigned minor = 0;
  unsigned patch = 0;

  friend bool operator<(const ServerVersion& a, const ServerVersion& b) {
    if (a.major != b.major) return a.major < b.major;
    if (a.minor != b.minor) return a.minor < b.minor;
    return a.patch < b.patch;
  }
};

// Parses the leading "X.Y.Z" of a server version string; missing parts are 0.
[[nodiscard]] ServerVersion parse_server_version(std::string_view text);

class FormatDescription {
 public:
  // The description in force before a binlog's own FDE arrives: binlog v4,
  // 19-byte headers, no checksums, the post-header lengths of current servers.
  FormatDescription();

  uint16_t binlog_version = 4;
  std::string server_version;
  ServerVersion version;  // parsed from server_version
  uint32_t create_timestamp = 0;
  uint8_t header_length = 19;
  ChecksumAlg checksum = ChecksumAlg::kOff;
  bool mariadb = false;

  // Post-header length for an event type (after remapping), falling back to
  // the current servers' value for types the FDE does not list.
  [[nodiscard]] uint8_t post_header_length(uint8_t type) const;

  // Maps an on-disk type code to the EventType it means. Identity except for
  // MySQL's 5.1/5.2 "a_drop5/a_drop6" development trees, which numbered
  // codes 16-22 differently (MySQL: log_event.cc, event_type_permutation).
  [[nodiscard]] uint8_t canonical_type(uint8_t on_disk) const {
    return type_map_[on_disk];
  }

 private:
  friend Result<FormatDescription> decode_format_description(Bytes);
  std::vector<uint8_t> post_header_lengths_;  // index = type code - 1
  std::array<uint8_t, 256> type_map_{};
};

// Decodes a complete FDE event (19-byte header included, checksum trailer
// included if any). Detects the checksum algorithm from the body.
[[nodiscard]] Result<FormatDescription> decode_format_description(Bytes event);

// The checksum algorithm an FDE event declares for itself and what follows.
[[nodiscard]] Result<ChecksumAlg> format_description_checksum(Bytes event);

}  // namespace sluice::binlog
