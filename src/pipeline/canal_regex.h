// canal's name patterns as std::regex: canal compiles each table-filter
// piece, partitionHash name and dynamicTopic expression with Jakarta-ORO's
// Perl5Compiler (CASE_INSENSITIVE) and tests it with Perl5Matcher.matches,
// a full match (canal's AviaterRegexFilter, RegexFunction, PatternUtils).
// Shared by the table filter and the routing rules so both read a pattern
// the same way.
#pragma once

#include <regex>
#include <string_view>

#include "common/error.h"

namespace sluice::pipeline {

// Compiles one canal pattern (the already unescaped property text, e.g.
// `test\..*`) as a case-insensitive ECMAScript regex meant for
// std::regex_match. The Perl-only anchors `\A`, `\G`, `\Z` and the
// redundant `(?i)` are translated; the rest is ECMAScript syntax, which
// covers what canal users write (., *, +, ?, |, (), [], \d, \w, \s, {m}).
// An invalid pattern gives Errc::kUsage with the message
// `"<pattern>" is not a valid regular expression: <why>` plus a hint for
// the usual mistakes; callers prefix where the pattern came from.
[[nodiscard]] Result<std::regex> compile_canal_regex(std::string_view pattern);

}  // namespace sluice::pipeline
