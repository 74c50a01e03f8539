#include "pipeline/table_filter.h"

#include <cstddef>
#include <string>
#include <utility>

#include "common/text.h"
#include "pipeline/canal_regex.h"

namespace sluice::pipeline {
namespace {

[[nodiscard]] Result<std::vector<std::regex>> compile_list(
    std::string_view value, std::string_view key) {
  std::vector<std::string_view> pieces;
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = value.find(',', start);
    if (end == std::string_view::npos) end = value.size();
    const std::string_view piece = trim(value.substr(start, end - start));
    if (!piece.empty()) pieces.push_back(piece);
    start = end + 1;
  }

  // canal sorts pieces longest first and joins them as `^p1$|^p2$|...`
  // because ORO's matches() accepts only the first alternative that matches
  // at offset 0 and then compares its length with the input's. Matching
  // each piece on its own with std::regex_match (a true full match that
  // backtracks into every alternative) gives the verdict canal intends for
  // any order, so the pieces stay in configuration order.
  std::vector<std::regex> out;
  out.reserve(pieces.size());
  for (size_t i = 0; i < pieces.size(); ++i) {
    Result<std::regex> re = compile_canal_regex(pieces[i]);
    if (!re) {
      return make_error(Errc::kUsage, std::string(key) + ": piece " +
                                          std::to_string(i + 1) + " of " +
                                          std::to_string(pieces.size()) + " " +
                                          re.error().message);
    }
    out.push_back(std::move(*re));
  }
  return out;
}

bool any_full_match(const std::vector<std::regex>& list,
                    const std::string& target) {
  for (const std::regex& re : list) {
    if (std::regex_match(target, re)) return true;
  }
  return false;
}

}  // namespace

Result<TableFilter> TableFilter::create(std::string_view white_regex,
                                        std::string_view black_regex,
                                        std::string_view white_key,
                                        std::string_view black_key) {
  TableFilter filter;
  SLUICE_ASSIGN_OR_RETURN(filter.white_, compile_list(white_regex, white_key));
  SLUICE_ASSIGN_OR_RETURN(filter.black_, compile_list(black_regex, black_key));
  return filter;
}

bool TableFilter::accepts(std::string_view schema,
                          std::string_view table) const {
  if (white_.empty() && black_.empty()) return true;
  // canal lower-cases the target and compiles case-insensitively; icase
  // alone would do for ASCII, lower-casing keeps the target canal's.
  std::string target;
  target.reserve(schema.size() + 1 + table.size());
  for (const char c : schema) target.push_back(ascii_lower(c));
  target.push_back('.');
  for (const char c : table) target.push_back(ascii_lower(c));

  if (!white_.empty() && !any_full_match(white_, target)) return false;
  return !any_full_match(black_, target);
}

}  // namespace sluice::pipeline
