// QUERY events carry the client's character set in their status variables;
// statement text is converted from it.
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "binlog/event_decoder.h"
#include "codec/charset.h"
#include "mysql/binlog_file_decoder.h"
#include "support/test_files.h"

namespace sluice {
namespace {

class Charsets final : public binlog::EventHandler {
 public:
  Status on_row(const binlog::RowEvent&) override { return {}; }
  Status on_query(const binlog::EventHeader&, const binlog::QueryEvent& q,
                  std::string_view) override {
    names.insert(std::string(
        codec::charset_of_collation(q.client_charset, mariadb).name));
    return {};
  }
  bool mariadb = false;
  std::set<std::string> names;
};

std::set<std::string> client_charsets(const std::string& file, bool mariadb) {
  binlog::EventDecoder decoder;
  Charsets c;
  c.mariadb = mariadb;
  REQUIRE(mysql::decode_binlog_files({testing::binlog_path(file)}, decoder, c));
  return c.names;
}

TEST_CASE("statement charsets come from Q_CHARSET_CODE", "[query]") {
  // The MariaDB workloads ran with a utf8mb4 client (MANIFEST appendix).
  CHECK(client_charsets("mariadb1011_all_types_fullmeta_crc32.binlog", true) ==
        std::set<std::string>{"utf8mb4"});
  CHECK(client_charsets("mysql57_utf8mb4_collation_stmt.binlog", false)
            .count("unknown") == 0);
}

}  // namespace
}  // namespace sluice
