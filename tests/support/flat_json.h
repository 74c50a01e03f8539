// Reads back the canal FlatMessage JSON lines sluice prints, so integration
// tests can replay them: a small strict JSON parser (objects, arrays,
// strings with every escape, numbers kept as text, true/false/null) and the
// FlatMessage fields the tests look at. Test code only: throws
// std::runtime_error naming the line and offset on malformed input.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::testing {

using FlatRow = std::map<std::string, std::optional<std::string>>;

struct FlatLine {
  std::string type;  // INSERT, UPDATE, DELETE, CREATE, ALTER, QUERY, ...
  std::string database;
  std::string table;
  bool is_ddl = false;
  std::string sql;
  std::string gtid;
  std::vector<std::string> pk_names;
  std::vector<FlatRow> data;
  std::vector<FlatRow> old;  // empty when "old" is null
};

// Parses one line (one JSON object).
[[nodiscard]] FlatLine parse_flat_line(std::string_view line);

// Parses every non-empty line of `text`.
[[nodiscard]] std::vector<FlatLine> parse_flat_lines(std::string_view text);

}  // namespace sluice::testing
