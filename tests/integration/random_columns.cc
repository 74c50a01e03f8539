#include "integration/random_columns.h"

#include <bit>
#include <cmath>
#include <cstdio>

#include "binlog/decimal.h"
#include "binlog/decompress.h"
#include "codec/canal_value.h"

namespace sluice::testing {
namespace {

using binlog::ColumnDef;
using binlog::Value;
using binlog::ValueKind;

std::string hex(Bytes b) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string s;
  for (std::byte x : b) {
    s.push_back(kHex[static_cast<unsigned>(x) >> 4]);
    s.push_back(kHex[static_cast<unsigned>(x) & 15]);
  }
  return s;
}

std::string hex(const std::string& s) { return hex(as_bytes(s)); }

uint64_t pick(std::mt19937_64& g, uint64_t n) { return g() % n; }

int64_t signed_in(std::mt19937_64& g, int bits) {
  const int64_t lo = -(int64_t{1} << (bits - 1));
  const uint64_t span = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  switch (pick(g, 4)) {
    case 0:
      return lo;
    case 1:
      return static_cast<int64_t>(static_cast<uint64_t>(lo) + span);
    default:
      return static_cast<int64_t>(static_cast<uint64_t>(lo) +
                                  g() %
                                      (span == ~uint64_t{0} ? span : span + 1));
  }
}

uint64_t unsigned_in(std::mt19937_64& g, int bits) {
  const uint64_t max = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  switch (pick(g, 4)) {
    case 0:
      return 0;
    case 1:
      return max;
    default:
      return bits == 64 ? g() : g() % (max + 1);
  }
}

// Text of random characters drawn from `alphabet` (UTF-8 pieces).
std::string text_from(std::mt19937_64& g,
                      const std::vector<std::string>& alphabet,
                      size_t max_chars) {
  const size_t n = pick(g, max_chars + 1);
  std::string s;
  for (size_t i = 0; i < n; ++i) s += alphabet[pick(g, alphabet.size())];
  return s;
}

const std::vector<std::string> kUtf8 = {"a",  "Z",  "0",  " ", "'",  "\"",
                                        "\\", "\n", "é",  "ü", "中", "文",
                                        "😀",  "🎉",  "\t", "%", "_"};
// latin1 bytes, given as the raw single bytes the column stores.
const std::vector<std::string> kLatin1 = {"a",    "B",    "7",    " ",
                                          "'",    "\xe9", "\xfc", "\xc0",
                                          "\xff", "\x80", "\x9f", ","};

std::string bytes_literal(const std::string& bytes) {
  return "X'" + hex(bytes) + "'";
}

std::string random_bytes(std::mt19937_64& g, size_t max) {
  std::string s(pick(g, max + 1), '\0');
  for (char& c : s) c = static_cast<char>(g());
  return s;
}

// The row image stores BINARY(n) (and MariaDB's INET6, a BINARY(16)) without
// trailing zero bytes; the column's value is padded to n with zeros.
std::string zero_padded(const ColumnDef& c, const Value& v) {
  return hex(v.raw) + std::string(2 * (c.max_length - v.raw.size()), '0');
}

std::string render(const ColumnDef& c, const Value& v) {
  codec::CanalValueRenderer r(true);
  std::string out;
  (void)r.append(c, 0, v, nullptr, out);
  return out;
}

RandomColumn integer(const std::string& name, const std::string& type, int bits,
                     bool is_unsigned) {
  return {name, type + (is_unsigned ? " UNSIGNED" : ""), name,
          [bits, is_unsigned](std::mt19937_64& g) {
            return is_unsigned ? std::to_string(unsigned_in(g, bits))
                               : std::to_string(signed_in(g, bits));
          },
          [](const ColumnDef&, const Value& v) {
            return v.kind == ValueKind::kUnsigned ? std::to_string(v.u)
                                                  : std::to_string(v.i);
          }};
}

RandomColumn string_column(const std::string& name, const std::string& type,
                           std::function<std::string(std::mt19937_64&)> bytes) {
  return {name, type, "HEX(" + name + ")",
          [bytes](std::mt19937_64& g) { return bytes_literal(bytes(g)); },
          [](const ColumnDef&, const Value& v) { return hex(v.raw); }};
}

std::string two(uint64_t v) {
  char b[8];
  std::snprintf(b, sizeof b, "%02u", static_cast<unsigned>(v % 100));
  return b;
}

std::string random_date(std::mt19937_64& g) {
  if (pick(g, 10) == 0) return "0000-00-00";
  return std::to_string(1000 + pick(g, 9000)) + "-" + two(1 + pick(g, 12)) +
         "-" + two(1 + pick(g, 28));
}

std::string random_fraction(std::mt19937_64& g, unsigned digits) {
  std::string s;
  for (unsigned i = 0; i < digits; ++i)
    s.push_back(static_cast<char>('0' + pick(g, 10)));
  return s;
}

}  // namespace

bool approximately_equal(const std::string& a, const std::string& b) {
  const double x = std::strtod(a.c_str(), nullptr);
  const double y = std::strtod(b.c_str(), nullptr);
  if (x == y) return true;
  return std::fabs(x - y) <= 1e-5 * std::max(std::fabs(x), std::fabs(y));
}

std::vector<RandomColumn> random_columns() {
  std::vector<RandomColumn> cols;
  cols.push_back(
      {"id", "BIGINT NOT NULL PRIMARY KEY", "id", nullptr,
       [](const ColumnDef&, const Value& v) { return std::to_string(v.i); }});
  cols.push_back(integer("ti", "TINYINT", 8, false));
  cols.push_back(integer("tiu", "TINYINT", 8, true));
  cols.push_back(integer("si", "SMALLINT", 16, false));
  cols.push_back(integer("siu", "SMALLINT", 16, true));
  cols.push_back(integer("mi", "MEDIUMINT", 24, false));
  cols.push_back(integer("miu", "MEDIUMINT", 24, true));
  cols.push_back(integer("i", "INT", 32, false));
  cols.push_back(integer("iu", "INT", 32, true));
  cols.push_back(integer("bi", "BIGINT", 64, false));
  cols.push_back(integer("biu", "BIGINT", 64, true));
  RandomColumn f{
      "f",
      "FLOAT",
      "f",
      [](std::mt19937_64& g) {
        switch (pick(g, 4)) {
          case 0:
            return std::string("-3.4e38");
          case 1:
            return std::string("1.5");
          default:
            return std::to_string(static_cast<int64_t>(pick(g, 2000000)) -
                                  1000000) +
                   "e-3";
        }
      },
      [](const ColumnDef&, const Value& v) {
        char b[40];
        std::snprintf(b, sizeof b, "%.9g", v.d);
        return std::string(b);
      },
      true};
  cols.push_back(f);
  RandomColumn d{
      "d",
      "DOUBLE",
      "d",
      [](std::mt19937_64& g) {
        char b[40];
        const double x = std::ldexp(static_cast<double>(g() >> 11),
                                    static_cast<int>(pick(g, 200)) - 100);
        std::snprintf(b, sizeof b, "%.17g", pick(g, 2) == 0 ? -x : x);
        return std::string(b);
      },
      [](const ColumnDef&, const Value& v) {
        char b[40];
        std::snprintf(b, sizeof b, "%.17g", v.d);
        return std::string(b);
      },
      true};
  cols.push_back(d);
  for (auto [name, type, intg, scale] :
       {std::tuple{"dec1", "DECIMAL(20,6)", 14u, 6u},
        std::tuple{"dec2", "DECIMAL(65,30)", 35u, 30u},
        std::tuple{"dec3", "DECIMAL(5,0)", 5u, 0u}}) {
    cols.push_back(
        {name, type, name,
         [intg, scale](std::mt19937_64& g) {
           std::string s = pick(g, 2) == 0 ? "-" : "";
           s += std::to_string(1 + pick(g, 9)) +
                random_fraction(g, static_cast<unsigned>(pick(g, intg)));
           if (scale > 0) s += "." + random_fraction(g, scale);
           return s;
         },
         [](const ColumnDef& c, const Value& v) {
           std::string out;
           (void)binlog::decimal_to_text(v.raw, c.precision, c.scale, out);
           return out;
         }});
  }
  cols.push_back(
      {"b13", "BIT(13)", "b13+0",
       [](std::mt19937_64& g) { return std::to_string(pick(g, 8192)); },
       [](const ColumnDef&, const Value& v) { return std::to_string(v.u); }});
  cols.push_back(
      {"b64", "BIT(64)", "b64+0",
       [](std::mt19937_64& g) { return std::to_string(g()); },
       [](const ColumnDef&, const Value& v) { return std::to_string(v.u); }});
  cols.push_back(string_column(
      "c", "CHAR(10) CHARACTER SET latin1", [](std::mt19937_64& g) {
        std::string s = text_from(g, kLatin1, 9);
        return s + "x";  // CHAR drops trailing spaces; end on a letter
      }));
  cols.push_back(string_column(
      "vc", "VARCHAR(100) CHARACTER SET utf8mb4",
      [](std::mt19937_64& g) { return text_from(g, kUtf8, 100); }));
  cols.push_back(string_column(
      "vcl", "VARCHAR(300) CHARACTER SET latin1",
      [](std::mt19937_64& g) { return text_from(g, kLatin1, 300); }));
  RandomColumn bn = string_column(
      "bn", "BINARY(8)", [](std::mt19937_64& g) { return random_bytes(g, 8); });
  bn.canonical = zero_padded;
  cols.push_back(bn);
  cols.push_back(string_column("vb", "VARBINARY(500)", [](std::mt19937_64& g) {
    return random_bytes(g, 500);
  }));
  cols.push_back(string_column(
      "tx", "TEXT CHARACTER SET utf8mb4",
      [](std::mt19937_64& g) { return text_from(g, kUtf8, 2000); }));
  cols.push_back(string_column(
      "mt", "MEDIUMTEXT CHARACTER SET utf8mb4", [](std::mt19937_64& g) {
        return pick(g, 8) == 0 ? std::string(70000, 'm') + "🎉"
                               : text_from(g, kUtf8, 50);
      }));
  cols.push_back(string_column(
      "bl", "BLOB", [](std::mt19937_64& g) { return random_bytes(g, 3000); }));
  cols.push_back(string_column("lb", "LONGBLOB", [](std::mt19937_64& g) {
    return pick(g, 8) == 0 ? random_bytes(g, 100000) : random_bytes(g, 20);
  }));
  // MariaDB COMPRESSED columns: the binlog carries them zlib-compressed.
  for (auto [name, type] :
       {std::pair{"vcz", "VARCHAR(400) COMPRESSED CHARACTER SET utf8mb4"},
        std::pair{"bz", "MEDIUMBLOB COMPRESSED"}}) {
    RandomColumn z = string_column(name, type, [](std::mt19937_64& g) {
      return pick(g, 2) == 0 ? text_from(g, kUtf8, 100)
                             : std::string(pick(g, 400), 'z');
    });
    z.canonical = [](const ColumnDef&, const Value& v) {
      std::vector<std::byte> plain;
      if (!binlog::maria_column_uncompress(v.raw, plain)) {
        return std::string("<corrupt>");
      }
      return hex(plain);
    };
    cols.push_back(z);
  }
  cols.push_back(
      {"e", "ENUM('small','medium','large','x')", "e+0",
       [](std::mt19937_64& g) { return std::to_string(1 + pick(g, 4)); },
       [](const ColumnDef&, const Value& v) { return std::to_string(v.u); }});
  cols.push_back(
      {"s", "SET('a','b','c','d','e','f','g','h','i')", "s+0",
       [](std::mt19937_64& g) { return std::to_string(pick(g, 512)); },
       [](const ColumnDef&, const Value& v) { return std::to_string(v.u); }});
  cols.push_back({"dt", "DATE", "dt",
                  [](std::mt19937_64& g) { return "'" + random_date(g) + "'"; },
                  render});
  cols.push_back({"tm", "TIME", "tm",
                  [](std::mt19937_64& g) {
                    return "'" + std::string(pick(g, 2) == 0 ? "-" : "") +
                           std::to_string(pick(g, 839)) + ":" +
                           two(pick(g, 60)) + ":" + two(pick(g, 60)) + "'";
                  },
                  render});
  cols.push_back({"tm3", "TIME(3)", "tm3",
                  [](std::mt19937_64& g) {
                    return "'" + std::string(pick(g, 2) == 0 ? "-" : "") +
                           std::to_string(pick(g, 838)) + ":" +
                           two(pick(g, 60)) + ":" + two(pick(g, 60)) + "." +
                           random_fraction(g, 3) + "'";
                  },
                  render});
  cols.push_back({"dtm", "DATETIME", "dtm",
                  [](std::mt19937_64& g) {
                    return "'" + random_date(g) + " " + two(pick(g, 24)) + ":" +
                           two(pick(g, 60)) + ":" + two(pick(g, 60)) + "'";
                  },
                  render});
  cols.push_back({"dtm6", "DATETIME(6)", "dtm6",
                  [](std::mt19937_64& g) {
                    return "'" + random_date(g) + " " + two(pick(g, 24)) + ":" +
                           two(pick(g, 60)) + ":" + two(pick(g, 60)) + "." +
                           random_fraction(g, 6) + "'";
                  },
                  render});
  cols.push_back(
      {"ts2", "TIMESTAMP(2) NULL DEFAULT NULL", "UNIX_TIMESTAMP(ts2)",
       [](std::mt19937_64& g) {
         return "FROM_UNIXTIME(" + std::to_string(1 + pick(g, 2147483000)) +
                "." + random_fraction(g, 2) + ")";
       },
       [](const ColumnDef& c, const Value& v) {
         std::string s = std::to_string(v.i);
         if (c.scale > 0) {
           char frac[8];
           std::snprintf(frac, sizeof frac, "%06u", v.t.micros);
           s += "." + std::string(frac, c.scale);
         }
         return s;
       }});
  cols.push_back(
      {"y", "YEAR", "y+0",
       [](std::mt19937_64& g) {
         return pick(g, 8) == 0 ? std::string("0")
                                : std::to_string(1901 + pick(g, 255));
       },
       [](const ColumnDef&, const Value& v) { return std::to_string(v.i); }});
  cols.push_back(string_column("j", "JSON", [](std::mt19937_64& g) {
    return "{\"k\": [" + std::to_string(pick(g, 1000)) + ", \"" +
           text_from(g, {"a", "é", "😀"}, 5) + "\"], \"n\": null}";
  }));
  cols.push_back({"ip", "INET6", "HEX(CAST(ip AS BINARY(16)))",
                  [](std::mt19937_64& g) {
                    char b[48];
                    std::snprintf(b, sizeof b, "'%x:%x:%x:%x:%x:%x:%x:%x'",
                                  static_cast<unsigned>(pick(g, 65536)),
                                  static_cast<unsigned>(pick(g, 65536)),
                                  static_cast<unsigned>(pick(g, 65536)),
                                  static_cast<unsigned>(pick(g, 65536)),
                                  static_cast<unsigned>(pick(g, 65536)),
                                  static_cast<unsigned>(pick(g, 65536)),
                                  static_cast<unsigned>(pick(g, 65536)),
                                  static_cast<unsigned>(pick(g, 65536)));
                    return std::string(b);
                  },
                  zero_padded});
  cols.push_back({"g", "GEOMETRY", "HEX(g)",
                  [](std::mt19937_64& g) {
                    return "ST_GeomFromText('POINT(" +
                           std::to_string(static_cast<int>(pick(g, 2000)) -
                                          1000) +
                           " " + std::to_string(pick(g, 1000)) + ".5)')";
                  },
                  [](const ColumnDef&, const Value& v) { return hex(v.raw); }});
  return cols;
}

}  // namespace sluice::testing
