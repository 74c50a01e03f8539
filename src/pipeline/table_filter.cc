#include "pipeline/table_filter.h"

#include <cstddef>
#include <string>
#include <utility>

#include "common/text.h"

namespace sluice::pipeline {
namespace {

// Rewrites the Perl5 (Jakarta-ORO) constructs whose ECMAScript spelling
// differs and that libstdc++ would otherwise read silently as something
// else: `\A` and `\G` (start) become `^`, `\Z` (end) becomes `$` — libstdc++
// takes an unknown `\A` for a literal 'A'. `(?i)` is dropped: matching is
// case-insensitive already. Character classes are copied untouched.
std::string perl_to_ecmascript(std::string_view piece) {
  std::string out;
  out.reserve(piece.size());
  bool in_class = false;
  size_t class_body = 0;  // index of the first character inside '[' or '[^'
  for (size_t i = 0; i < piece.size(); ++i) {
    const char c = piece[i];
    if (c == '\\' && i + 1 < piece.size()) {
      const char next = piece[i + 1];
      ++i;
      if (!in_class && (next == 'A' || next == 'G')) {
        out.push_back('^');
      } else if (!in_class && next == 'Z') {
        out.push_back('$');
      } else {
        out.push_back(c);
        out.push_back(next);
      }
      continue;
    }
    if (in_class) {
      // A ']' first in the class is a literal, as in Perl and ECMAScript.
      if (c == ']' && i != class_body) in_class = false;
    } else if (c == '[') {
      in_class = true;
      class_body = i + 1;
      if (class_body < piece.size() && piece[class_body] == '^') ++class_body;
    } else if (piece.substr(i).starts_with("(?i)")) {
      i += 3;
      continue;
    }
    out.push_back(c);
  }
  return out;
}

// A hint for the two mistakes a canal user is likely to make.
std::string hint_for(std::string_view piece) {
  for (size_t at = piece.find("(?"); at != std::string_view::npos;
       at = piece.find("(?", at + 2)) {
    const char kind = at + 2 < piece.size() ? piece[at + 2] : '\0';
    if (piece.substr(at).starts_with("(?i)")) continue;  // translated
    if (kind != ':' && kind != '=' && kind != '!') {
      return "; Perl inline modifiers such as (?s) are not supported "
             "(matching is already case-insensitive)";
    }
  }
  size_t open = 0;
  size_t close = 0;
  for (const char c : piece) {
    if (c == '{') ++open;
    if (c == '}') ++close;
  }
  if (open != close) {
    return "; the value is split on ',' before compiling, so a {m,n} "
           "repeat cannot be written here (use {m}, or list pieces)";
  }
  return "";
}

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
    try {
      out.emplace_back(perl_to_ecmascript(pieces[i]),
                       std::regex::ECMAScript | std::regex::icase);
    } catch (const std::regex_error& e) {
      return make_error(
          Errc::kUsage,
          std::string(key) + ": piece " + std::to_string(i + 1) + " of " +
              std::to_string(pieces.size()) + " \"" + std::string(pieces[i]) +
              "\" is not a valid regular expression: " + e.what() +
              hint_for(pieces[i]));
    }
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
