#include "common/error.h"

namespace sluice {

const char* errc_name(Errc code) {
  switch (code) {
    case Errc::kTruncated:
      return "truncated";
    case Errc::kCorrupt:
      return "corrupt";
    case Errc::kChecksum:
      return "checksum mismatch";
    case Errc::kUnsupported:
      return "unsupported";
    case Errc::kLostEvents:
      return "lost events";
    case Errc::kIo:
      return "i/o error";
    case Errc::kUsage:
      return "usage";
    case Errc::kRefused:
      return "refused by the server";
    case Errc::kTimeout:
      return "timed out";
    case Errc::kCancelled:
      return "cancelled";
    case Errc::kNotLeader:
      return "not the leader";
  }
  return "unknown";
}

}  // namespace sluice
