#include "kafka/checkpoint.h"

#include <algorithm>
#include <cstdint>

#include "codec/json_escape.h"
#include "common/text.h"

namespace sluice::kafka {
namespace {

void append_field(std::string_view name, std::string_view value,
                  std::string& out) {
  out += out.size() == 1 ? "\"" : ",\"";
  out += name;
  out += "\":";
  codec::append_json_string(value, out);
}

void append_field(std::string_view name, uint64_t value, std::string& out) {
  out += out.size() == 1 ? "\"" : ",\"";
  out += name;
  out += "\":";
  out += std::to_string(value);
}

// A reader for the one shape a checkpoint has: an object whose values are
// strings or non-negative integers.
class FlatJsonReader {
 public:
  explicit FlatJsonReader(std::string_view text) : s_(text) {}

  [[nodiscard]] Status expect(char c) {
    skip_space();
    if (i_ >= s_.size() || s_[i_] != c) {
      return fail(std::string("expected '") + c + "'");
    }
    ++i_;
    return {};
  }
  [[nodiscard]] bool peek(char c) {
    skip_space();
    return i_ < s_.size() && s_[i_] == c;
  }
  [[nodiscard]] bool at_end() {
    skip_space();
    return i_ == s_.size();
  }

  [[nodiscard]] Result<std::string> string() {
    SLUICE_RETURN_IF_ERROR(expect('"'));
    std::string out;
    while (i_ < s_.size() && s_[i_] != '"') {
      const char c = s_[i_++];
      if (static_cast<unsigned char>(c) < 0x20) {
        return fail("control character inside a string");
      }
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (i_ >= s_.size()) break;
      const char e = s_[i_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out.push_back(e);
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
          SLUICE_ASSIGN_OR_RETURN(uint32_t cp, code_unit());
          if (cp >= 0xd800 && cp < 0xdc00) {
            if (s_.substr(i_, 2) != "\\u") return fail("lone surrogate");
            i_ += 2;
            SLUICE_ASSIGN_OR_RETURN(const uint32_t low, code_unit());
            if (low < 0xdc00 || low >= 0xe000) return fail("lone surrogate");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          } else if (cp >= 0xdc00 && cp < 0xe000) {
            return fail("lone surrogate");
          }
          append_utf8(cp, out);
          break;
        }
        default:
          return fail(std::string("unknown escape \\") + e);
      }
    }
    SLUICE_RETURN_IF_ERROR(expect('"'));
    return out;
  }

  [[nodiscard]] Result<uint64_t> number() {
    skip_space();
    const size_t start = i_;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    uint64_t v = 0;
    if (!parse_number(s_.substr(start, i_ - start), v)) {
      return fail("expected a non-negative integer");
    }
    return v;
  }

  // Passes over a value of a key this version does not know.
  [[nodiscard]] Status skip_value() {
    if (peek('"')) return string().map([](const std::string&) {});
    skip_space();
    const size_t start = i_;
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}') ++i_;
    const std::string_view v = trim(s_.substr(start, i_ - start));
    if (v == "true" || v == "false" || v == "null") return {};
    if (!v.empty() && (v[0] == '-' || (v[0] >= '0' && v[0] <= '9'))) return {};
    return fail("unexpected value");
  }

 private:
  void skip_space() {
    while (i_ < s_.size() && is_space(s_[i_])) ++i_;
  }
  [[nodiscard]] Result<uint32_t> code_unit() {
    if (s_.size() - i_ < 4) return fail("truncated \\u escape");
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      const int d = hex_digit(s_[i_++]);
      if (d < 0) return fail("bad \\u escape");
      v = v * 16 + static_cast<uint32_t>(d);
    }
    return v;
  }
  [[nodiscard]] tl::unexpected<Error> fail(const std::string& what) const {
    return make_error(Errc::kCorrupt, "checkpoint record: " + what +
                                          " at byte " + std::to_string(i_));
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

std::string encode_checkpoint(const Checkpoint& c) {
  std::string out = "{";
  append_field("file", c.file, out);
  append_field("pos", c.pos, out);
  append_field("gtid_set", c.gtid_set, out);
  append_field("rows_in_txn", c.rows_in_txn, out);
  append_field("txn_gtid", c.txn_gtid, out);
  append_field("server_id", c.server_id, out);
  append_field("server_uuid", c.server_uuid, out);
  append_field("ts", static_cast<uint64_t>(std::max<int64_t>(0, c.ts_ms)), out);
  out.push_back('}');
  return out;
}

Result<Checkpoint> parse_checkpoint(std::string_view json) {
  FlatJsonReader r(json);
  Checkpoint c;
  bool has_file = false;
  bool has_pos = false;
  SLUICE_RETURN_IF_ERROR(r.expect('{'));
  bool first = true;
  while (!r.peek('}')) {
    if (!first) SLUICE_RETURN_IF_ERROR(r.expect(','));
    first = false;
    SLUICE_ASSIGN_OR_RETURN(const std::string key, r.string());
    SLUICE_RETURN_IF_ERROR(r.expect(':'));
    if (key == "file") {
      SLUICE_ASSIGN_OR_RETURN(c.file, r.string());
      has_file = true;
    } else if (key == "gtid_set") {
      SLUICE_ASSIGN_OR_RETURN(c.gtid_set, r.string());
    } else if (key == "txn_gtid") {
      SLUICE_ASSIGN_OR_RETURN(c.txn_gtid, r.string());
    } else if (key == "server_uuid") {
      SLUICE_ASSIGN_OR_RETURN(c.server_uuid, r.string());
    } else if (key == "pos") {
      SLUICE_ASSIGN_OR_RETURN(c.pos, r.number());
      has_pos = true;
    } else if (key == "rows_in_txn") {
      SLUICE_ASSIGN_OR_RETURN(c.rows_in_txn, r.number());
    } else if (key == "server_id") {
      SLUICE_ASSIGN_OR_RETURN(const uint64_t id, r.number());
      if (id > UINT32_MAX) {
        return make_error(Errc::kCorrupt,
                          "checkpoint record: server_id out of range");
      }
      c.server_id = static_cast<uint32_t>(id);
    } else if (key == "ts") {
      SLUICE_ASSIGN_OR_RETURN(const uint64_t ts, r.number());
      c.ts_ms = static_cast<int64_t>(std::min<uint64_t>(ts, INT64_MAX));
    } else {
      SLUICE_RETURN_IF_ERROR(r.skip_value());
    }
  }
  SLUICE_RETURN_IF_ERROR(r.expect('}'));
  if (!r.at_end()) {
    return make_error(Errc::kCorrupt,
                      "checkpoint record: bytes after the closing '}'");
  }
  if (!has_pos || (!has_file && c.gtid_set.empty())) {
    return make_error(Errc::kCorrupt,
                      "checkpoint record: needs \"pos\" and \"file\" or "
                      "\"gtid_set\"");
  }
  return c;
}

}  // namespace sluice::kafka
