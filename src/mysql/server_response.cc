#include "mysql/server_response.h"

#include <algorithm>

#include "common/byte_reader.h"

namespace sluice::mysql {
namespace {

// include/mysqld_error.h numbers whose cause a retry cannot remove.
constexpr uint16_t kRefusalCodes[] = {
    1044,  // ER_DBACCESS_DENIED_ERROR
    1045,  // ER_ACCESS_DENIED_ERROR
    1129,  // ER_HOST_IS_BLOCKED
    1130,  // ER_HOST_NOT_PRIVILEGED
    1142,  // ER_TABLEACCESS_DENIED_ERROR
    1227,  // ER_SPECIFIC_ACCESS_DENIED_ERROR
    1236,  // ER_MASTER_FATAL_ERROR_READING_BINLOG (purged, impossible position)
    1251,  // ER_NOT_SUPPORTED_AUTH_MODE
    1698,  // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
    1820,  // ER_MUST_CHANGE_PASSWORD
    1862,  // ER_MUST_CHANGE_PASSWORD_LOGIN
    3118,  // ER_ACCOUNT_HAS_BEEN_LOCKED (MySQL)
    3159,  // ER_SECURE_TRANSPORT_REQUIRED
    4151,  // ER_ACCOUNT_HAS_BEEN_LOCKED (MariaDB)
};

std::string hex_byte(uint8_t b) {
  constexpr char kDigits[] = "0123456789abcdef";
  return {'0', 'x', kDigits[b >> 4], kDigits[b & 15]};
}

std::string_view without_nul(std::string_view s) {
  if (!s.empty() && s.back() == '\0') s.remove_suffix(1);
  return s;
}

}  // namespace

Result<ServerError> parse_err_packet(Bytes payload) {
  ByteReader r(payload);
  SLUICE_ASSIGN_OR_RETURN(const uint8_t header, r.u8("ERR header"));
  if (header != kErrHeader) {
    return make_error(Errc::kCorrupt,
                      "expected an ERR packet (0xff), got " + hex_byte(header));
  }
  ServerError e;
  SLUICE_ASSIGN_OR_RETURN(e.code, r.u16("ERR error code"));
  if (!r.empty() && load_u8(r.rest().data()) == '#') {
    SLUICE_RETURN_IF_ERROR(r.skip(1, "ERR sqlstate marker"));
    SLUICE_ASSIGN_OR_RETURN(const std::string_view state,
                            r.chars(5, "ERR sqlstate"));
    e.sql_state = state;
  }
  e.message = as_chars(r.rest());
  return e;
}

Error server_error(const ServerError& e, const std::string& doing) {
  const bool refused =
      std::find(std::begin(kRefusalCodes), std::end(kRefusalCodes), e.code) !=
      std::end(kRefusalCodes);
  std::string text =
      doing + ": the server answered error " + std::to_string(e.code);
  if (!e.sql_state.empty()) text += " (" + e.sql_state + ")";
  text += ": " + e.message;
  return Error{refused ? Errc::kRefused : Errc::kIo, std::move(text)};
}

Error server_error(Bytes err_payload, const std::string& doing) {
  auto parsed = parse_err_packet(err_payload);
  if (!parsed) {
    // A whole payload that ends early contradicts itself.
    parsed.error().code = Errc::kCorrupt;
    return with_context(std::move(parsed.error()), doing + ": ERR packet");
  }
  return server_error(*parsed, doing);
}

Result<AuthSwitchRequest> parse_auth_switch(Bytes payload) {
  ByteReader r(payload);
  SLUICE_ASSIGN_OR_RETURN(const uint8_t header, r.u8("auth switch header"));
  if (header != kEofHeader) {
    return make_error(
        Errc::kCorrupt,
        "expected an AuthSwitchRequest (0xfe), got " + hex_byte(header));
  }
  const Bytes rest = r.rest();
  const auto nul = std::find(rest.begin(), rest.end(), std::byte{0});
  if (nul == rest.end()) {
    return make_error(Errc::kCorrupt,
                      "AuthSwitchRequest: plugin name has no NUL terminator");
  }
  const auto name_len = static_cast<size_t>(nul - rest.begin());
  AuthSwitchRequest req;
  req.plugin = as_chars(rest.first(name_len));
  const std::string_view data =
      without_nul(as_chars(rest.subspan(name_len + 1)));
  const Bytes data_bytes = as_bytes(data);
  req.data.assign(data_bytes.begin(), data_bytes.end());
  return req;
}

Result<TextRow> parse_text_row(Bytes payload, size_t columns) {
  ByteReader r(payload);
  TextRow row;
  row.reserve(columns);
  for (size_t i = 0; i < columns; ++i) {
    if (!r.empty() && load_u8(r.rest().data()) == 0xfb) {
      SLUICE_RETURN_IF_ERROR(r.skip(1, "NULL value"));
      row.emplace_back(std::nullopt);
      continue;
    }
    SLUICE_ASSIGN_OR_RETURN(const std::string_view v,
                            r.packed_chars("result set value"));
    row.emplace_back(v);
  }
  if (!r.empty()) {
    return make_error(Errc::kCorrupt, "result set row has " +
                                          std::to_string(r.remaining()) +
                                          " bytes after its " +
                                          std::to_string(columns) + " values");
  }
  return row;
}

Result<uint64_t> parse_column_count(Bytes payload) {
  ByteReader r(payload);
  SLUICE_ASSIGN_OR_RETURN(const uint64_t n, r.packed_int("column count"));
  if (!r.empty() || n == 0) {
    return make_error(Errc::kCorrupt, "malformed column-count packet of " +
                                          std::to_string(payload.size()) +
                                          " bytes");
  }
  return n;
}

}  // namespace sluice::mysql
