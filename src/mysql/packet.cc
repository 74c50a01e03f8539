#include "mysql/packet.h"

#include <algorithm>
#include <string>

namespace sluice::mysql {
namespace {

void append_header(size_t length, uint8_t seq, std::vector<std::byte>& out) {
  out.push_back(static_cast<std::byte>(length & 0xff));
  out.push_back(static_cast<std::byte>((length >> 8) & 0xff));
  out.push_back(static_cast<std::byte>((length >> 16) & 0xff));
  out.push_back(static_cast<std::byte>(seq));
}

}  // namespace

uint8_t append_packets(Bytes payload, uint8_t seq,
                       std::vector<std::byte>& out) {
  size_t pos = 0;
  for (;;) {
    const size_t n = std::min(payload.size() - pos, kMaxPacketPayload);
    append_header(n, seq++, out);
    out.insert(out.end(), payload.begin() + static_cast<std::ptrdiff_t>(pos),
               payload.begin() + static_cast<std::ptrdiff_t>(pos + n));
    pos += n;
    // A full-size packet says "more follows", even when nothing does.
    if (n < kMaxPacketPayload) return seq;
  }
}

Result<FramedPayload> frame_payload(Bytes in, uint8_t seq,
                                    std::vector<std::byte>& joined) {
  // First walk the headers: a payload is joined (copied) only once all of
  // its packets are here, so a 1 GiB event arriving in pieces costs one copy.
  size_t pos = 0;
  size_t parts = 0;
  size_t total = 0;
  for (uint8_t s = seq;; ++s) {
    if (in.size() - pos < kPacketHeaderSize) {
      return make_error(Errc::kTruncated, "packet header incomplete");
    }
    const size_t length = load_le(in.data() + pos, 3);
    const uint8_t got_seq = load_u8(in.data() + pos + 3);
    if (got_seq != s) {
      return make_error(Errc::kCorrupt,
                        "packet sequence id " + std::to_string(got_seq) +
                            " where " + std::to_string(s) +
                            " was expected; the connection is out of step");
    }
    if (in.size() - pos - kPacketHeaderSize < length) {
      return make_error(Errc::kTruncated, "packet payload incomplete");
    }
    pos += kPacketHeaderSize + length;
    total += length;
    ++parts;
    if (length < kMaxPacketPayload) break;
  }
  const auto next = static_cast<uint8_t>(seq + parts);
  if (parts == 1) {
    return FramedPayload{in.subspan(kPacketHeaderSize, total), pos, next};
  }
  joined.clear();
  joined.reserve(total);
  for (size_t at = 0; at < pos;) {
    const size_t length = load_le(in.data() + at, 3);
    const Bytes part = in.subspan(at + kPacketHeaderSize, length);
    joined.insert(joined.end(), part.begin(), part.end());
    at += kPacketHeaderSize + length;
  }
  return FramedPayload{joined, pos, next};
}

}  // namespace sluice::mysql
