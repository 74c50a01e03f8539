// Table filter: which tables' changes are published. Implements canal's
// `canal.instance.filter.regex` (white list) and
// `canal.instance.filter.black.regex` (black list) as canal's
// AviaterRegexFilter and RegexFunction (Jakarta-ORO Perl5Matcher) apply them
// to `schema.table` in EntryEventSink.doFilter and
// LogEventConvert.processFilter.
//
// Semantics: the value is split on ',', each piece trimmed and empty pieces
// dropped; a table is accepted when its lower-cased `schema.table` fully
// matches some white piece (or the white list is empty) and no black piece.
// Matching is case-insensitive. Perl-only anchors `\A`, `\G`, `\Z` and the
// redundant `(?i)` are translated; the rest is ECMAScript syntax, which
// covers what canal filters use (., *, +, ?, |, (), [], \d, \w, \s, {m}).
#pragma once

#include <regex>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace sluice::pipeline {

class TableFilter {
 public:
  static constexpr std::string_view kWhiteKey = "canal.instance.filter.regex";
  static constexpr std::string_view kBlackKey =
      "canal.instance.filter.black.regex";

  // Accepts every table (empty white list, empty black list).
  TableFilter() = default;

  // Compiles both lists. `white_regex`/`black_regex` are the already
  // unescaped property values (`test\..*`, not `test\\..*`). An invalid piece
  // gives Errc::kUsage naming its key (`white_key`/`black_key`), the piece and
  // what is wrong with it.
  [[nodiscard]] static Result<TableFilter> create(
      std::string_view white_regex, std::string_view black_regex,
      std::string_view white_key = kWhiteKey,
      std::string_view black_key = kBlackKey);

  // True when `schema.table` passes the white list and not the black list.
  // Costs one regex evaluation per piece; callers cache the verdict per table.
  [[nodiscard]] bool accepts(std::string_view schema,
                             std::string_view table) const;

 private:
  std::vector<std::regex> white_;  // empty: every table is white
  std::vector<std::regex> black_;  // empty: no table is black
};

}  // namespace sluice::pipeline
