#include "pipeline/field_filter.h"

#include <algorithm>
#include <utility>

#include "common/text.h"

namespace sluice::pipeline {
namespace {

// Calls `fn(piece)` for each trimmed, non-empty piece of `s` split on `sep`.
template <class Fn>
void for_each_piece(std::string_view s, char sep, Fn&& fn) {
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    const std::string_view piece = trim(s.substr(start, end - start));
    if (!piece.empty()) fn(piece);
    start = end + 1;
  }
}

constexpr std::string_view kExpected =
    " (expected schema.table:col1/col2, e.g. test.commission:id/amount)";

}  // namespace

Result<std::vector<FieldFilter::Rule>> FieldFilter::parse_rules(
    std::string_view value, std::string_view key) {
  std::vector<Rule> rules;
  std::string problem;
  size_t number = 0;
  for_each_piece(value, ',', [&](std::string_view entry) {
    ++number;
    if (!problem.empty()) return;
    const auto fail = [&](std::string_view what) {
      problem = std::string(key) + ": entry " + std::to_string(number) + " \"" +
                std::string(entry) + "\" " + std::string(what) +
                std::string(kExpected);
    };

    const size_t colon = entry.find(':');
    if (colon == std::string_view::npos) return fail("has no ':'");
    if (entry.find(':', colon + 1) != std::string_view::npos) {
      return fail("has more than one ':'");
    }
    const std::string_view name = trim(entry.substr(0, colon));
    if (name.empty()) return fail("names no table before ':'");
    const size_t dot = name.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) {
      return fail("does not qualify the table with its schema");
    }

    Rule rule{ascii_lower(name), {}};
    // canal keeps empty names between slashes, which match no column;
    // skipping them is the same verdict.
    for_each_piece(entry.substr(colon + 1), '/', [&](std::string_view col) {
      rule.columns.push_back(ascii_lower(col));
    });
    if (rule.columns.empty()) return fail("lists no column after ':'");

    // canal keeps the last rule for a table and silently drops the others;
    // an operator who wrote two rules meant something else.
    for (const Rule& earlier : rules) {
      if (earlier.table == rule.table) {
        return fail(
            "names a table that an earlier entry names too; list "
            "all its columns in one entry, separated by '/'");
      }
    }
    rules.push_back(std::move(rule));
  });
  if (!problem.empty()) return make_error(Errc::kUsage, std::move(problem));
  return rules;
}

Result<FieldFilter> FieldFilter::parse(std::string_view white,
                                       std::string_view black,
                                       std::string_view white_key,
                                       std::string_view black_key) {
  FieldFilter filter;
  SLUICE_ASSIGN_OR_RETURN(filter.white_, parse_rules(white, white_key));
  SLUICE_ASSIGN_OR_RETURN(filter.black_, parse_rules(black, black_key));
  return filter;
}

const FieldFilter::Rule* FieldFilter::find(const std::vector<Rule>& rules,
                                           std::string_view schema,
                                           std::string_view table) {
  for (const Rule& rule : rules) {
    const std::string_view name = rule.table;
    if (name.size() == schema.size() + 1 + table.size() &&
        name[schema.size()] == '.' &&
        iequals(name.substr(0, schema.size()), schema) &&
        iequals(name.substr(schema.size() + 1), table)) {
      return &rule;
    }
  }
  return nullptr;
}

template <class Name>
ColumnSelection FieldFilter::select_impl(
    std::string_view schema, std::string_view table,
    std::span<const Name> column_names) const {
  // As canal's needField: a white rule decides alone; otherwise a black rule.
  const Rule* rule = find(white_, schema, table);
  const bool white = rule != nullptr;
  if (!white) rule = find(black_, schema, table);
  if (rule == nullptr) return ColumnSelection{};

  ColumnSelection selection;
  selection.masked_ = true;
  selection.keep_unnamed_ = !white;
  selection.keep_.reserve(column_names.size());
  bool all = !white;
  for (const Name& column : column_names) {
    const bool listed =
        std::any_of(rule->columns.begin(), rule->columns.end(),
                    [&](const std::string& c) { return iequals(c, column); });
    const bool keep = white ? listed : !listed;
    all = all && keep;
    selection.keep_.push_back(keep);
  }
  // A black rule that names none of this version's columns drops nothing.
  if (all) return ColumnSelection{};
  return selection;
}

ColumnSelection FieldFilter::select(
    std::string_view schema, std::string_view table,
    std::span<const std::string> column_names) const {
  return select_impl(schema, table, column_names);
}

ColumnSelection FieldFilter::select(
    std::string_view schema, std::string_view table,
    std::span<const std::string_view> column_names) const {
  return select_impl(schema, table, column_names);
}

}  // namespace sluice::pipeline
