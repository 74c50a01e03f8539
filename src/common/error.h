// Error values shared by every module: an Errc whose value alone decides
// whether a caller retries or stops, plus a message an operator can act on.
#pragma once

#include <string>
#include <tl/expected.hpp>
#include <utility>

namespace sluice {

enum class Errc {
  kTruncated,  // input ended before a complete structure (more bytes may come)
  kCorrupt,    // bytes contradict the format (bad length, bad magic, ...)
  kChecksum,   // CRC32 of an event does not match its trailer
  kUnsupported,  // well-formed input this build cannot decode
  kLostEvents,   // the server logged an INCIDENT: changes are missing
  kIo,           // the operating system refused a read or write
  kUsage,        // bad command line or configuration
  kRefused,      // the server refused: access denied, missing grant, purged
                 // position; retrying the same request cannot succeed
  kTimeout,      // a peer did not answer within its deadline (retryable)
  kCancelled,    // the operator asked sluice to stop (SIGTERM/SIGINT)
  kNotLeader,    // this node no longer holds its destination's leader lock:
                 // stop publishing and stand by (DESIGN §5)
};

struct Error {
  Errc code;
  std::string message;
};

template <class T>
using Result = tl::expected<T, Error>;
using Status = Result<void>;

[[nodiscard]] inline tl::unexpected<Error> make_error(Errc code,
                                                      std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}

// Prefixes an error's message with where it happened ("table_map: ...").
[[nodiscard]] inline Error with_context(Error e, const std::string& where) {
  e.message = where + ": " + e.message;
  return e;
}

const char* errc_name(Errc code);

}  // namespace sluice

// Propagation helpers: evaluate a Result, return its error from the enclosing
// function, or bind its value.
#define SLUICE_CONCAT_INNER_(a, b) a##b
#define SLUICE_CONCAT_(a, b) SLUICE_CONCAT_INNER_(a, b)
#define SLUICE_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)      \
  auto tmp = (expr);                                       \
  if (!tmp) return tl::unexpected(std::move(tmp.error())); \
  lhs = std::move(*tmp)
#define SLUICE_ASSIGN_OR_RETURN(lhs, expr)                                  \
  SLUICE_ASSIGN_OR_RETURN_IMPL_(SLUICE_CONCAT_(sluice_tmp_, __LINE__), lhs, \
                                expr)
#define SLUICE_RETURN_IF_ERROR(expr)                            \
  do {                                                          \
    auto sluice_status_ = (expr);                               \
    if (!sluice_status_)                                        \
      return tl::unexpected(std::move(sluice_status_.error())); \
  } while (0)
