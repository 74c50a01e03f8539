// MySQL client/server protocol packets: a 3-byte little-endian payload length
// and a 1-byte sequence id, payloads of 2^24-1 bytes or more split over
// several packets (the last one shorter, possibly empty). MySQL: Client/Server
// Protocol, "MySQL Packets" (sql-common/net_serv.cc).
#pragma once

#include <cstdint>
#include <vector>

#include "common/bytes.h"
#include "common/error.h"

namespace sluice::mysql {

inline constexpr size_t kPacketHeaderSize = 4;
inline constexpr size_t kMaxPacketPayload = 0xFFFFFF;

// Appends `payload` as packets numbered from `seq` on; returns the sequence id
// the next packet must carry.
uint8_t append_packets(Bytes payload, uint8_t seq, std::vector<std::byte>& out);

struct FramedPayload {
  Bytes payload;     // into the input for one packet, else into `joined`
  size_t consumed;   // input bytes the packets took
  uint8_t next_seq;  // sequence id the following packet must carry
};

// Reads one payload (one packet, or a run of full packets and its end) from
// the start of `in`. kTruncated when `in` ends before the payload does (read
// more and call again), kCorrupt when a sequence id differs from `seq`.
// `joined` holds a multi-packet payload and must outlive the result.
[[nodiscard]] Result<FramedPayload> frame_payload(
    Bytes in, uint8_t seq, std::vector<std::byte>& joined);

}  // namespace sluice::mysql
