// Column filter: which columns of a table's row images are published.
// Implements canal's `canal.instance.filter.field` (keep only the listed
// columns) and `canal.instance.filter.black.field` (drop the listed columns),
// as canal's AbstractEventParser.parseFieldFilterMap parses them and
// LogEventConvert.needField applies them to both row images.
//
// Format: `schema.table:c1/c2,db.t2:c`. The table is an exact name, not a
// regex; table and column names compare case-insensitively (ASCII). When a
// table has a white rule its black rule is ignored, as in canal.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace sluice::pipeline {

// The verdict for one table version: which column indexes (positions in the
// names given to FieldFilter::select) are kept. Compute it once per table
// version and reuse it for every row.
class ColumnSelection {
 public:
  // Keeps every column.
  ColumnSelection() = default;

  // True when no rule applies to the table (or its black rule names none of
  // its columns): callers can skip per-column checks.
  [[nodiscard]] bool keeps_all() const { return !masked_; }

  // Whether column `index` is kept. Indexes past the names given to select()
  // are kept under a black rule and dropped under a white rule.
  [[nodiscard]] bool keeps(size_t index) const {
    if (!masked_) return true;
    return index < keep_.size() ? keep_[index] : keep_unnamed_;
  }

 private:
  friend class FieldFilter;
  bool masked_ = false;
  bool keep_unnamed_ = true;
  std::vector<bool> keep_;
};

class FieldFilter {
 public:
  static constexpr std::string_view kWhiteKey = "canal.instance.filter.field";
  static constexpr std::string_view kBlackKey =
      "canal.instance.filter.black.field";

  // Applies no rule: every column of every table is kept.
  FieldFilter() = default;

  // Parses both property values. A malformed entry (no ':', no schema before
  // the table's '.', no column) gives Errc::kUsage naming the key and entry.
  [[nodiscard]] static Result<FieldFilter> parse(
      std::string_view white, std::string_view black,
      std::string_view white_key = kWhiteKey,
      std::string_view black_key = kBlackKey);

  // Selects the columns of `schema.table` whose names (in table order) are
  // `column_names`. No allocation when no rule names the table.
  [[nodiscard]] ColumnSelection select(
      std::string_view schema, std::string_view table,
      std::span<const std::string> column_names) const;
  [[nodiscard]] ColumnSelection select(
      std::string_view schema, std::string_view table,
      std::span<const std::string_view> column_names) const;

  // True when no rule is configured.
  [[nodiscard]] bool empty() const { return white_.empty() && black_.empty(); }

 private:
  struct Rule {
    std::string table;                 // lower-cased "schema.table"
    std::vector<std::string> columns;  // lower-cased
  };

  [[nodiscard]] static Result<std::vector<Rule>> parse_rules(
      std::string_view value, std::string_view key);
  [[nodiscard]] static const Rule* find(const std::vector<Rule>& rules,
                                        std::string_view schema,
                                        std::string_view table);
  template <class Name>
  ColumnSelection select_impl(std::string_view schema, std::string_view table,
                              std::span<const Name> column_names) const;

  std::vector<Rule> white_;
  std::vector<Rule> black_;
};

}  // namespace sluice::pipeline
