#include "mysql/gtid_set.h"

#include <algorithm>
#include <limits>

#include "common/text.h"
#include "mysql/wire_writer.h"

namespace sluice::mysql {
namespace {

// "8-4-4-4-12" hex digits, as MySQL prints server UUIDs.
bool parse_uuid(std::string_view text, MysqlGtidSet::Uuid& out) {
  if (text.size() != 36) return false;
  size_t byte = 0;
  for (size_t i = 0; i < text.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return false;
      ++i;
      continue;
    }
    const int hi = hex_digit(text[i]);
    const int lo = hex_digit(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[byte++] = static_cast<std::byte>(hi << 4 | lo);
    i += 2;
  }
  return byte == 16;
}

std::string uuid_text(const MysqlGtidSet::Uuid& u) {
  constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < u.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    const auto b = static_cast<unsigned>(u[i]);
    s.push_back(kDigits[b >> 4]);
    s.push_back(kDigits[b & 15]);
  }
  return s;
}

tl::unexpected<Error> bad_gtid_set(std::string_view text,
                                   const std::string& why) {
  return make_error(Errc::kUsage, "GTID set '" + std::string(text) + "': " +
                                      why + " (expected uuid:1-5:7,uuid2:1-3)");
}

// Inserts [first, last] into ascending, disjoint, non-adjacent intervals.
void insert_interval(std::vector<MysqlGtidSet::Interval>& v,
                     MysqlGtidSet::Interval in) {
  auto it = std::lower_bound(
      v.begin(), v.end(), in,
      [](const MysqlGtidSet::Interval& a, const MysqlGtidSet::Interval& b) {
        return a.last + 1 < b.first;
      });
  while (it != v.end() && it->first <= in.last + 1 &&
         in.first <= it->last + 1) {
    in.first = std::min(in.first, it->first);
    in.last = std::max(in.last, it->last);
    it = v.erase(it);
  }
  v.insert(it, in);
}

}  // namespace

Result<MysqlGtidSet> MysqlGtidSet::parse(std::string_view text) {
  MysqlGtidSet set;
  const std::string_view all = trim(text);
  if (all.empty()) return set;
  for (const std::string_view raw : split(all, ',')) {
    const std::vector<std::string_view> parts = split(trim(raw), ':');
    Uuid uuid{};
    if (!parse_uuid(trim(parts[0]), uuid))
      return bad_gtid_set(
          text, "'" + std::string(parts[0]) + "' is not a server UUID");
    if (parts.size() < 2)
      return bad_gtid_set(text, "UUID " + std::string(parts[0]) +
                                    " has no transaction numbers");
    for (size_t i = 1; i < parts.size(); ++i) {
      const std::string_view range = trim(parts[i]);
      const size_t dash = range.find('-');
      Interval in{};
      const bool ok =
          dash == std::string_view::npos
              ? parse_number(range, in.first) && (in.last = in.first, true)
              : parse_number(range.substr(0, dash), in.first) &&
                    parse_number(range.substr(dash + 1), in.last);
      if (!ok) {
        const bool tag = !range.empty() && (range[0] < '0' || range[0] > '9');
        if (tag) {
          return make_error(Errc::kUnsupported,
                            "GTID set '" + std::string(text) +
                                "': tagged GTIDs (MySQL 8.3+, '" +
                                std::string(range) +
                                "') are not supported by this build");
        }
        return bad_gtid_set(text, "'" + std::string(range) +
                                      "' is not a number or a range a-b");
      }
      if (in.first == 0 || in.last < in.first ||
          in.last == std::numeric_limits<uint64_t>::max())
        return bad_gtid_set(text, "interval '" + std::string(range) +
                                      "' is empty or out of range");
      insert_interval(set.sets_[uuid], in);
    }
  }
  return set;
}

Status MysqlGtidSet::add(std::string_view gtid) {
  const size_t colon = gtid.find(':');
  Uuid uuid{};
  uint64_t gno = 0;
  if (colon == std::string_view::npos ||
      !parse_uuid(gtid.substr(0, colon), uuid) ||
      !parse_number(gtid.substr(colon + 1), gno) || gno == 0) {
    return make_error(Errc::kCorrupt, "GTID '" + std::string(gtid) +
                                          "' is not of the form uuid:number");
  }
  add(uuid, gno);
  return {};
}

void MysqlGtidSet::add(const Uuid& uuid, uint64_t gno) {
  insert_interval(sets_[uuid], Interval{gno, gno});
}

std::string MysqlGtidSet::to_string() const {
  std::string s;
  for (const auto& [uuid, intervals] : sets_) {
    if (!s.empty()) s.push_back(',');
    s += uuid_text(uuid);
    for (const Interval& in : intervals) {
      s += ':' + std::to_string(in.first);
      if (in.last != in.first) s += '-' + std::to_string(in.last);
    }
  }
  return s;
}

std::vector<std::byte> MysqlGtidSet::encode() const {
  std::vector<std::byte> out;
  put_le(sets_.size(), 8, out);
  for (const auto& [uuid, intervals] : sets_) {
    put_bytes(uuid, out);
    put_le(intervals.size(), 8, out);
    for (const Interval& in : intervals) {
      put_le(in.first, 8, out);
      put_le(in.last + 1, 8, out);  // the wire's end is exclusive
    }
  }
  return out;
}

Result<MariaDbGtidPos::Gtid> parse_mariadb_gtid(std::string_view text) {
  const std::vector<std::string_view> parts = split(trim(text), '-');
  MariaDbGtidPos::Gtid g{};
  if (parts.size() != 3 || !parse_number(parts[0], g.domain) ||
      !parse_number(parts[1], g.server) || !parse_number(parts[2], g.seq)) {
    return make_error(Errc::kUsage,
                      "MariaDB GTID '" + std::string(text) +
                          "' is not domain-server-sequence (e.g. 0-1-100)");
  }
  return g;
}

Result<MariaDbGtidPos> MariaDbGtidPos::parse(std::string_view text) {
  MariaDbGtidPos pos;
  const std::string_view all = trim(text);
  if (all.empty()) return pos;
  for (const std::string_view part : split(all, ',')) {
    SLUICE_ASSIGN_OR_RETURN(const Gtid g, parse_mariadb_gtid(part));
    const bool duplicate =
        std::any_of(pos.gtids_.begin(), pos.gtids_.end(),
                    [&g](const Gtid& o) { return o.domain == g.domain; });
    if (duplicate) {
      return make_error(Errc::kUsage,
                        "MariaDB GTID position '" + std::string(text) +
                            "' names domain " + std::to_string(g.domain) +
                            " twice; give one GTID per domain");
    }
    pos.set(g);
  }
  return pos;
}

Status MariaDbGtidPos::update(std::string_view gtid) {
  auto g = parse_mariadb_gtid(gtid);
  if (!g) {
    g.error().code = Errc::kCorrupt;
    return tl::unexpected(std::move(g.error()));
  }
  set(*g);
  return {};
}

void MariaDbGtidPos::set(const Gtid& g) {
  auto it = std::lower_bound(
      gtids_.begin(), gtids_.end(), g.domain,
      [](const Gtid& a, uint32_t domain) { return a.domain < domain; });
  if (it != gtids_.end() && it->domain == g.domain) {
    *it = g;
  } else {
    gtids_.insert(it, g);
  }
}

std::string MariaDbGtidPos::to_string() const {
  std::string s;
  for (const Gtid& g : gtids_) {
    if (!s.empty()) s.push_back(',');
    s += std::to_string(g.domain) + '-' + std::to_string(g.server) + '-' +
         std::to_string(g.seq);
  }
  return s;
}

}  // namespace sluice::mysql
