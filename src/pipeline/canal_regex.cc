#include "pipeline/canal_regex.h"

#include <cstddef>
#include <string>

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

}  // namespace

Result<std::regex> compile_canal_regex(std::string_view pattern) {
  try {
    return std::regex(perl_to_ecmascript(pattern),
                      std::regex::ECMAScript | std::regex::icase);
  } catch (const std::regex_error& e) {
    return make_error(Errc::kUsage,
                      "\"" + std::string(pattern) +
                          "\" is not a valid regular expression: " + e.what() +
                          hint_for(pattern));
  }
}

}  // namespace sluice::pipeline
