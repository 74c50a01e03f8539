// Generic server responses of the MySQL client/server protocol: OK, ERR and
// EOF packets, the authentication exchange packets (AuthSwitchRequest,
// AuthMoreData) and text result set rows. MySQL: Client/Server Protocol,
// "Generic Response Packets", "Text Resultset"; include/mysqld_error.h for
// the error numbers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/error.h"

namespace sluice::mysql {

inline constexpr uint8_t kOkHeader = 0x00;
inline constexpr uint8_t kAuthMoreDataHeader = 0x01;
inline constexpr uint8_t kEofHeader = 0xfe;  // also AuthSwitchRequest
inline constexpr uint8_t kErrHeader = 0xff;

[[nodiscard]] inline bool is_ok_packet(Bytes p) {
  return !p.empty() && load_u8(p.data()) == kOkHeader;
}
[[nodiscard]] inline bool is_err_packet(Bytes p) {
  return !p.empty() && load_u8(p.data()) == kErrHeader;
}
// An EOF packet is 0xfe and shorter than 9 bytes; a longer payload starting
// with 0xfe is a row whose first value has an 8-byte length.
[[nodiscard]] inline bool is_eof_packet(Bytes p) {
  return !p.empty() && p.size() < 9 && load_u8(p.data()) == kEofHeader;
}

struct ServerError {
  uint16_t code = 0;
  std::string sql_state;  // empty when the server sent none
  std::string message;
};

// Parses an ERR packet (0xff, error number, optional '#' + SQLSTATE, text).
[[nodiscard]] Result<ServerError> parse_err_packet(Bytes payload);

// Turns a server error into an Error: kRefused for the errors that repeating
// the request cannot cure (access denied, missing privilege, binlog position
// gone, account locked or expired, TLS required: see kRefusalCodes in the
// .cc), kIo otherwise.
// `doing` says what sluice was doing ("authenticating as repl").
[[nodiscard]] Error server_error(const ServerError& e,
                                 const std::string& doing);

// The same straight from an ERR payload (a malformed one is kCorrupt).
[[nodiscard]] Error server_error(Bytes err_payload, const std::string& doing);

struct AuthSwitchRequest {
  std::string plugin;
  std::vector<std::byte> data;  // the new nonce, trailing NUL removed
};

// 0xfe, plugin name, NUL, plugin data.
[[nodiscard]] Result<AuthSwitchRequest> parse_auth_switch(Bytes payload);

// One row of a text result set: each value a length-encoded string, or
// 0xfb for NULL. The views point into `payload`.
using TextRow = std::vector<std::optional<std::string_view>>;
[[nodiscard]] Result<TextRow> parse_text_row(Bytes payload, size_t columns);

// The first packet of a result set: the number of columns.
[[nodiscard]] Result<uint64_t> parse_column_count(Bytes payload);

}  // namespace sluice::mysql
