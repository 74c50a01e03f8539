#include "binlog/json_path.h"

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "common/text.h"

namespace sluice::binlog {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

class PathParser {
 public:
  explicit PathParser(std::string_view path) : path_(path) {}

  Result<std::vector<JsonPathLeg>> parse() {
    std::vector<JsonPathLeg> legs;
    skip_space();
    if (!consume('$')) return fail("a path starts with '$'");
    for (;;) {
      skip_space();
      if (at_end()) return legs;
      if (consume('.')) {
        skip_space();
        SLUICE_ASSIGN_OR_RETURN(JsonPathLeg leg, member());
        legs.push_back(std::move(leg));
      } else if (consume('[')) {
        SLUICE_ASSIGN_OR_RETURN(JsonPathLeg leg, cell());
        legs.push_back(std::move(leg));
      } else {
        return fail("expected '.' or '['");
      }
    }
  }

 private:
  [[nodiscard]] bool at_end() const { return pos_ == path_.size(); }

  [[nodiscard]] bool consume(char c) {
    if (at_end() || path_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  [[nodiscard]] bool consume(std::string_view word) {
    if (path_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  void skip_space() {
    while (!at_end() && is_space(path_[pos_])) ++pos_;
  }

  [[nodiscard]] tl::unexpected<Error> fail(const std::string& why) const {
    return make_error(Errc::kUnsupported,
                      "json path '" + std::string(path_) + "' at offset " +
                          std::to_string(pos_) + ": " + why);
  }

  Result<JsonPathLeg> member() {
    JsonPathLeg leg;
    leg.kind = JsonPathLeg::Kind::kMember;
    if (consume('"')) {
      SLUICE_RETURN_IF_ERROR(quoted_key(leg.member));
      return leg;
    }
    if (!at_end() && path_[pos_] == '*') return fail("wildcards unsupported");
    const size_t start = pos_;
    while (!at_end() && !is_space(path_[pos_]) && path_[pos_] != '.' &&
           path_[pos_] != '[' && path_[pos_] != '"' && path_[pos_] != '*') {
      ++pos_;
    }
    if (pos_ == start) return fail("expected a member name");
    leg.member = std::string(path_.substr(start, pos_ - start));
    return leg;
  }

  // The rest of a double-quoted key, with JSON string escapes.
  Status quoted_key(std::string& key) {
    for (;;) {
      if (at_end()) return fail("unterminated quoted member name");
      const char c = path_[pos_++];
      if (c == '"') return {};
      if (c != '\\') {
        key.push_back(c);
        continue;
      }
      if (at_end()) return fail("unterminated escape");
      const char e = path_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          key.push_back(e);
          break;
        case 'b':
          key.push_back('\b');
          break;
        case 'f':
          key.push_back('\f');
          break;
        case 'n':
          key.push_back('\n');
          break;
        case 'r':
          key.push_back('\r');
          break;
        case 't':
          key.push_back('\t');
          break;
        case 'u': {
          SLUICE_ASSIGN_OR_RETURN(const uint32_t cp, code_point());
          append_utf8(cp, key);
          break;
        }
        default:
          return fail("bad escape in quoted member name");
      }
    }
  }

  Result<uint32_t> hex4() {
    if (path_.size() - pos_ < 4) return fail("short \\u escape");
    uint32_t v = 0;
    const char* first = path_.data() + pos_;
    const auto res = std::from_chars(first, first + 4, v, 16);
    if (res.ec != std::errc() || res.ptr != first + 4) {
      return fail("bad \\u escape");
    }
    pos_ += 4;
    return v;
  }

  // The code point of a \u escape whose "\u" was consumed, joining a UTF-16
  // surrogate pair.
  Result<uint32_t> code_point() {
    SLUICE_ASSIGN_OR_RETURN(const uint32_t hi, hex4());
    if (hi >= 0xdc00 && hi <= 0xdfff) return fail("lone low surrogate");
    if (hi < 0xd800 || hi > 0xdbff) return hi;
    if (!consume("\\u")) return fail("lone high surrogate");
    SLUICE_ASSIGN_OR_RETURN(const uint32_t lo, hex4());
    if (lo < 0xdc00 || lo > 0xdfff) return fail("bad low surrogate");
    return 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
  }

  Result<size_t> number() {
    const size_t start = pos_;
    while (!at_end() && is_digit(path_[pos_])) ++pos_;
    if (pos_ == start) return fail("expected an array index");
    size_t v = 0;
    const auto res =
        std::from_chars(path_.data() + start, path_.data() + pos_, v);
    if (res.ec != std::errc()) return fail("array index out of range");
    return v;
  }

  // An array cell leg whose '[' was consumed.
  Result<JsonPathLeg> cell() {
    JsonPathLeg leg;
    skip_space();
    if (consume("last")) {
      leg.kind = JsonPathLeg::Kind::kFromEnd;
      skip_space();
      if (consume('-')) {
        skip_space();
        SLUICE_ASSIGN_OR_RETURN(leg.index, number());
      }
    } else if (!at_end() && path_[pos_] == '*') {
      return fail("wildcards unsupported");
    } else {
      leg.kind = JsonPathLeg::Kind::kIndex;
      SLUICE_ASSIGN_OR_RETURN(leg.index, number());
    }
    skip_space();
    if (consume("to")) return fail("array ranges unsupported");
    if (!consume(']')) return fail("expected ']'");
    return leg;
  }

  std::string_view path_;
  size_t pos_ = 0;
};

}  // namespace

size_t JsonPathLeg::position(size_t size) const {
  if (kind == Kind::kFromEnd) return index < size ? size - 1 - index : 0;
  return std::min(index, size);
}

Result<std::vector<JsonPathLeg>> parse_json_path(std::string_view path) {
  return PathParser(path).parse();
}

}  // namespace sluice::binlog
