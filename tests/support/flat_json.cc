#include "support/flat_json.h"

#include <cstdint>
#include <stdexcept>
#include <variant>

#include "common/text.h"

namespace sluice::testing {
namespace {

struct Json;
using JsonArray = std::vector<Json>;
using JsonObject = std::vector<std::pair<std::string, Json>>;
struct Json {
  // monostate = null; string holds strings and (as text) numbers.
  std::variant<std::monostate, bool, std::string, JsonArray, JsonObject> v;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Json document() {
    Json j = value();
    space();
    if (i_ != s_.size()) fail("text after the JSON value");
    return j;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("flat JSON: " + what + " at offset " +
                             std::to_string(i_) +
                             " of: " + std::string(s_.substr(0, 300)));
  }
  void space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' ||
                              s_[i_] == '\r' || s_[i_] == '\t'))
      ++i_;
  }
  bool take(char c) {
    space();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!take(c)) fail(std::string("expected '") + c + "'");
  }
  bool word(std::string_view w) {
    if (s_.substr(i_, w.size()) != w) return false;
    i_ += w.size();
    return true;
  }

  Json value() {
    space();
    if (i_ >= s_.size()) fail("unexpected end");
    const char c = s_[i_];
    if (c == '{') return Json{object()};
    if (c == '[') return Json{array()};
    if (c == '"') return Json{string()};
    if (word("null")) return Json{};
    if (word("true")) return Json{true};
    if (word("false")) return Json{false};
    const size_t start = i_;
    while (i_ < s_.size() &&
           (std::string_view("+-.eE").find(s_[i_]) != std::string_view::npos ||
            (s_[i_] >= '0' && s_[i_] <= '9')))
      ++i_;
    if (i_ == start) fail("unexpected character");
    return Json{std::string(s_.substr(start, i_ - start))};
  }

  JsonObject object() {
    expect('{');
    JsonObject o;
    if (take('}')) return o;
    do {
      space();
      std::string key = string();
      expect(':');
      o.emplace_back(std::move(key), value());
    } while (take(','));
    expect('}');
    return o;
  }

  JsonArray array() {
    expect('[');
    JsonArray a;
    if (take(']')) return a;
    do {
      a.push_back(value());
    } while (take(','));
    expect(']');
    return a;
  }

  uint32_t hex4() {
    if (i_ + 4 > s_.size()) fail("short \\u escape");
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      const char h = s_[i_++];
      v <<= 4;
      if (h >= '0' && h <= '9') {
        v |= static_cast<uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        v |= static_cast<uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        v |= static_cast<uint32_t>(h - 'A' + 10);
      } else {
        fail("bad \\u escape");
      }
    }
    return v;
  }

  std::string string() {
    if (i_ >= s_.size() || s_[i_] != '"') fail("expected a string");
    ++i_;
    std::string out;
    for (;;) {
      if (i_ >= s_.size()) fail("unterminated string");
      const char c = s_[i_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("raw control character");
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (i_ >= s_.size()) fail("unterminated escape");
      const char e = s_[i_++];
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          uint32_t cp = hex4();
          if (cp >= 0xd800 && cp < 0xdc00 && word("\\u")) {
            const uint32_t low = hex4();
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          }
          append_utf8(cp, out);
          break;
        }
        default:
          fail("bad escape");
      }
    }
  }

  std::string_view s_;
  size_t i_ = 0;
};

const Json* field(const JsonObject& o, std::string_view name) {
  for (const auto& [k, v] : o) {
    if (k == name) return &v;
  }
  return nullptr;
}

std::string text(const Json* j) {
  if (j == nullptr) return "";
  if (const auto* s = std::get_if<std::string>(&j->v)) return *s;
  return "";
}

std::vector<FlatRow> rows(const Json* j) {
  std::vector<FlatRow> out;
  if (j == nullptr) return out;
  const auto* a = std::get_if<JsonArray>(&j->v);
  if (a == nullptr) return out;
  for (const Json& r : *a) {
    const auto* o = std::get_if<JsonObject>(&r.v);
    if (o == nullptr) throw std::runtime_error("flat JSON: row is no object");
    FlatRow row;
    for (const auto& [k, v] : *o) {
      if (std::holds_alternative<std::monostate>(v.v)) {
        row[k] = std::nullopt;
      } else {
        row[k] = text(&v);
      }
    }
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace

FlatLine parse_flat_line(std::string_view line) {
  const Json doc = Parser(line).document();
  const auto* o = std::get_if<JsonObject>(&doc.v);
  if (o == nullptr) throw std::runtime_error("flat JSON: line is no object");
  FlatLine f;
  f.type = text(field(*o, "type"));
  f.database = text(field(*o, "database"));
  f.table = text(field(*o, "table"));
  const Json* ddl = field(*o, "isDdl");
  f.is_ddl = ddl != nullptr && std::holds_alternative<bool>(ddl->v) &&
             std::get<bool>(ddl->v);
  f.sql = text(field(*o, "sql"));
  f.gtid = text(field(*o, "gtid"));
  if (const Json* pk = field(*o, "pkNames")) {
    if (const auto* a = std::get_if<JsonArray>(&pk->v)) {
      for (const Json& n : *a) f.pk_names.push_back(text(&n));
    }
  }
  f.data = rows(field(*o, "data"));
  f.old = rows(field(*o, "old"));
  return f;
}

std::vector<FlatLine> parse_flat_lines(std::string_view text_in) {
  std::vector<FlatLine> out;
  size_t start = 0;
  while (start < text_in.size()) {
    size_t end = text_in.find('\n', start);
    if (end == std::string_view::npos) end = text_in.size();
    const std::string_view line = text_in.substr(start, end - start);
    if (!line.empty()) out.push_back(parse_flat_line(line));
    start = end + 1;
  }
  return out;
}

}  // namespace sluice::testing
