// Small text helpers shared by the control connection's source files
// (control_connection.cc, server_checks.cc); not part of the module's API.
#pragma once

#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/text.h"
#include "mysql/control_connection.h"

namespace sluice::mysql::control_text {

inline std::string lower(std::string_view s) { return ascii_lower(s); }

inline std::optional<uint64_t> parse_u64(std::string_view s) {
  uint64_t value = 0;
  if (!parse_number(trim(s), value)) return std::nullopt;
  return value;
}

// Column i of a result row as text; "" for NULL or a missing column.
inline const std::string& cell(const ControlConnection::Row& row, size_t i) {
  static const std::string kEmpty;
  return i < row.size() && row[i] ? *row[i] : kEmpty;
}

}  // namespace sluice::mysql::control_text
