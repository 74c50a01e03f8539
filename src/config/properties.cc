#include "config/properties.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "common/text.h"

namespace sluice::config {
namespace {

constexpr int kMaxPlaceholderDepth = 16;
// Bounds on one expansion, so that values referring to each other many
// times over cannot take exponential time or memory.
constexpr size_t kMaxSubstitutions = 1000;
constexpr size_t kMaxExpandedSize = 64 * 1024;

// Java's whitespace in .properties: space, tab, form feed.
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\f'; }
bool is_newline(char c) { return c == '\n' || c == '\r'; }

// One logical line: natural lines joined where one ends in an odd number of
// backslashes (the last of them dropped, the next line's leading blanks
// too). Comments and blank lines are passed over.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}

  // False at the end of the text.
  bool next(std::string& logical, size_t& start_line) {
    for (;;) {
      if (pos_ >= text_.size()) return false;
      skip_blanks();
      if (pos_ >= text_.size()) return false;
      const char c = text_[pos_];
      if (is_newline(c)) {
        consume_newline();
        continue;
      }
      start_line = line_;
      if (c == '#' || c == '!') {  // comments never continue
        skip_to_newline();
        consume_newline();
        continue;
      }
      logical.clear();
      for (;;) {
        const size_t begin = pos_;
        skip_to_newline();
        std::string_view content = text_.substr(begin, pos_ - begin);
        size_t backslashes = 0;
        while (backslashes < content.size() &&
               content[content.size() - 1 - backslashes] == '\\')
          ++backslashes;
        if (backslashes % 2 == 0) {
          logical.append(content);
          consume_newline();
          return true;
        }
        logical.append(content.substr(0, content.size() - 1));
        consume_newline();
        skip_blanks();
        if (pos_ >= text_.size()) return true;
      }
    }
  }

 private:
  void skip_blanks() {
    while (pos_ < text_.size() && is_blank(text_[pos_])) ++pos_;
  }
  void skip_to_newline() {
    while (pos_ < text_.size() && !is_newline(text_[pos_])) ++pos_;
  }
  void consume_newline() {
    if (pos_ >= text_.size()) return;
    if (text_[pos_] == '\r' && pos_ + 1 < text_.size() &&
        text_[pos_ + 1] == '\n')
      ++pos_;
    ++pos_;
    ++line_;
  }

  std::string_view text_;
  size_t pos_ = 0;
  size_t line_ = 1;
};

// Four hex digits at `s[at..]`, or -1.
int32_t utf16_unit(std::string_view s, size_t at) {
  if (at + 4 > s.size()) return -1;
  int32_t v = 0;
  for (size_t k = 0; k < 4; ++k) {
    const int d = hex_digit(s[at + k]);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

// Resolves the escapes of a key or value.
Result<std::string> unescape(std::string_view raw, const std::string& where) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c != '\\' || i + 1 == raw.size()) {
      if (c != '\\') out.push_back(c);
      continue;
    }
    const char e = raw[++i];
    switch (e) {
      case 't':
        out.push_back('\t');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'u': {
        int32_t unit = utf16_unit(raw, i + 1);
        if (unit < 0) {
          return make_error(Errc::kUsage,
                            where +
                                ": malformed \\uXXXX escape (four hex "
                                "digits must follow \\u)");
        }
        i += 4;
        uint32_t cp = static_cast<uint32_t>(unit);
        // A UTF-16 surrogate pair spelled as two escapes is one character.
        if (cp >= 0xD800 && cp < 0xDC00 && i + 2 < raw.size() &&
            raw[i + 1] == '\\' && raw[i + 2] == 'u') {
          const int32_t low = utf16_unit(raw, i + 3);
          if (low >= 0xDC00 && low < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) +
                 (static_cast<uint32_t>(low) - 0xDC00);
            i += 6;
          }
        }
        append_utf8(cp, out);
        break;
      }
      default:
        out.push_back(e);  // \\ \= \: \# \! \  and any other character
    }
  }
  return out;
}

// Splits a logical line into its raw key and raw value.
void split_entry(std::string_view line, std::string_view& key,
                 std::string_view& value) {
  size_t k = 0;
  while (k < line.size()) {
    const char c = line[k];
    if (c == '\\') {
      k += 2;
      continue;
    }
    if (c == '=' || c == ':' || is_blank(c)) break;
    ++k;
  }
  k = std::min(k, line.size());
  key = line.substr(0, k);
  size_t v = k;
  while (v < line.size() && is_blank(line[v])) ++v;
  if (v < line.size() && (line[v] == '=' || line[v] == ':')) ++v;
  while (v < line.size() && is_blank(line[v])) ++v;
  value = line.substr(v);
}

Result<std::string> expand(std::string_view value,
                           const PlaceholderLookup& lookup,
                           const std::string& where, int depth,
                           size_t& substitutions) {
  if (depth > kMaxPlaceholderDepth) {
    return make_error(Errc::kUsage,
                      where + ": placeholders nest more than " +
                          std::to_string(kMaxPlaceholderDepth) +
                          " levels deep; is one defined by itself?");
  }
  std::string out;
  size_t i = 0;
  for (;;) {
    const size_t open = value.find("${", i);
    if (open == std::string_view::npos) {
      out.append(value.substr(i));
      return out;
    }
    out.append(value.substr(i, open - i));
    // The matching '}', counting nested "${" in a default.
    size_t close = open + 2;
    for (int nesting = 1; close < value.size(); ++close) {
      if (value.compare(close, 2, "${") == 0) {
        ++nesting;
        ++close;
      } else if (value[close] == '}' && --nesting == 0) {
        break;
      }
    }
    if (close >= value.size()) {
      return make_error(Errc::kUsage, where + ": '${' without a closing '}'");
    }
    if (++substitutions > kMaxSubstitutions) {
      return make_error(Errc::kUsage,
                        where + ": more than " +
                            std::to_string(kMaxSubstitutions) +
                            " placeholder substitutions; the values refer to "
                            "each other too often");
    }
    const std::string_view inner = value.substr(open + 2, close - open - 2);
    const size_t colon = inner.find(':');
    const std::string_view name = trim(inner.substr(0, colon));
    std::optional<std::string> found = lookup(name);
    if (found) {
      SLUICE_ASSIGN_OR_RETURN(
          std::string expanded,
          expand(*found, lookup, where, depth + 1, substitutions));
      out += expanded;
    } else if (colon != std::string_view::npos) {
      SLUICE_ASSIGN_OR_RETURN(std::string expanded,
                              expand(inner.substr(colon + 1), lookup, where,
                                     depth + 1, substitutions));
      out += expanded;
    } else {
      return make_error(
          Errc::kUsage,
          where + ": ${" + std::string(name) +
              "} is neither a property nor an environment variable; define "
              "it or write ${" +
              std::string(name) + ":default}");
    }
    if (out.size() > kMaxExpandedSize) {
      return make_error(Errc::kUsage, where + ": expands to more than " +
                                          std::to_string(kMaxExpandedSize) +
                                          " bytes");
    }
    i = close + 1;
  }
}

}  // namespace

const Property* PropertiesFile::find(std::string_view key) const {
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if (it->key == key) return &*it;
  }
  return nullptr;
}

Result<PropertiesFile> parse_properties(std::string_view text,
                                        std::string path) {
  PropertiesFile file;
  file.path = std::move(path);
  LineReader reader(text);
  std::string logical;
  size_t line = 0;
  while (reader.next(logical, line)) {
    std::string_view raw_key;
    std::string_view raw_value;
    split_entry(logical, raw_key, raw_value);
    const std::string where = file.path + ":" + std::to_string(line);
    Property p;
    p.line = line;
    SLUICE_ASSIGN_OR_RETURN(p.key, unescape(raw_key, where));
    SLUICE_ASSIGN_OR_RETURN(p.value, unescape(raw_value, where + ": " + p.key));
    file.entries.push_back(std::move(p));
  }
  return file;
}

Result<PropertiesFile> read_properties(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(Errc::kIo, "cannot read " + path +
                                     ": missing or not readable (check "
                                     "--conf and canal.destinations)");
  }
  std::ostringstream s;
  s << in.rdbuf();
  return parse_properties(s.str(), path);
}

Result<std::string> expand_placeholders(std::string_view value,
                                        const PlaceholderLookup& lookup,
                                        const std::string& where) {
  size_t substitutions = 0;
  return expand(value, lookup, where, 0, substitutions);
}

}  // namespace sluice::config
