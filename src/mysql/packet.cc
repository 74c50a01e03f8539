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
  size_t pos = 0;
  bool multi = false;
  joined.clear();
  for (;;) {
    if (in.size() - pos < kPacketHeaderSize) {
      return make_error(Errc::kTruncated, "packet header incomplete");
    }
    const size_t length = load_le(in.data() + pos, 3);
    const uint8_t got_seq = load_u8(in.data() + pos + 3);
    if (got_seq != seq) {
      return make_error(Errc::kCorrupt,
                        "packet sequence id " + std::to_string(got_seq) +
                            " where " + std::to_string(seq) +
                            " was expected; the connection is out of step");
    }
    if (in.size() - pos - kPacketHeaderSize < length) {
      return make_error(Errc::kTruncated, "packet payload incomplete");
    }
    const Bytes part = in.subspan(pos + kPacketHeaderSize, length);
    pos += kPacketHeaderSize + length;
    ++seq;
    if (length < kMaxPacketPayload && !multi)
      return FramedPayload{part, pos, seq};
    joined.insert(joined.end(), part.begin(), part.end());
    multi = true;
    if (length < kMaxPacketPayload) return FramedPayload{joined, pos, seq};
  }
}

}  // namespace sluice::mysql
