// The control connection and the information_schema schema source against
// real MariaDB servers: server facts, positions, settings, purged binlogs,
// grants, connection failures, and schema definitions applied to the
// TABLE_MAPs a binlog_row_metadata=MINIMAL server writes.
#include "mysql/control_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "binlog/event_decoder.h"
#include "integration/mariadb_server.h"
#include "mysql/binlog_file_decoder.h"
#include "schema/schema_cache.h"
#include "schema/table_schema.h"

namespace sluice {
namespace {

using mysql::ControlConnection;
using mysql::ControlConnectionOptions;
using mysql::ServerAddress;
using testing::MariaDbServer;
using Clock = std::chrono::steady_clock;

// One server of each kind per process; a test leaves names it creates
// unique so the others do not see them.
MariaDbServer& full_server() {
  static MariaDbServer server;
  return server;
}

MariaDbServer& minimal_server() {
  static MariaDbServer server(
      {"--binlog-row-metadata=MINIMAL", "--binlog-row-image=MINIMAL"});
  return server;
}

ServerAddress address_of(MariaDbServer& server) {
  return ServerAddress{"127.0.0.1", static_cast<uint16_t>(server.port())};
}

ControlConnectionOptions options(std::string user, std::string password) {
  ControlConnectionOptions o;
  o.user = std::move(user);
  o.password = Secret(std::move(password));
  o.connect_timeout_s = 2;
  o.read_timeout_s = 10;
  o.write_timeout_s = 10;
  return o;
}

ControlConnection connect_as(MariaDbServer& server, std::string user,
                             std::string password = "") {
  auto conn = ControlConnection::connect(
      address_of(server), options(std::move(user), std::move(password)));
  if (!conn) FAIL(conn.error().message);
  return std::move(*conn);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A TCP port on 127.0.0.1 with nothing listening on it.
uint16_t closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  socklen_t len = sizeof addr;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// Copies the last TABLE_MAP seen for each schema.table with row changes.
class TableMapCollector : public binlog::EventHandler {
 public:
  Status on_row(const binlog::RowEvent& row) override {
    maps[row.table->schema + "." + row.table->table] = *row.table;
    return {};
  }
  std::map<std::string, binlog::TableMap> maps;
};

// The TABLE_MAP the server last wrote for `name` ("schema.table").
binlog::TableMap last_table_map(MariaDbServer& server,
                                const std::string& name) {
  binlog::EventDecoder decoder;
  TableMapCollector collector;
  const auto decoded =
      mysql::decode_binlog_files(server.binlog_files(), decoder, collector);
  if (!decoded) FAIL(decoded.error().message);
  const auto it = collector.maps.find(name);
  if (it == collector.maps.end()) FAIL("no row event for " << name);
  return it->second;
}

TEST_CASE("server_info identifies MariaDB", "[control]") {
  auto conn = connect_as(full_server(), "root");
  const auto info = conn.server_info();
  REQUIRE(info);
  CHECK(info->mariadb());
  CHECK(info->major >= 10);
  CHECK(info->at_least(10, 5));
  CHECK(contains(info->version, "MariaDB"));
  CHECK(info->server_id == 1);  // the harness starts it with --server-id=1
  CHECK(info->server_uuid.empty());
}

TEST_CASE("current_position matches SHOW MASTER STATUS", "[control]") {
  auto& server = full_server();
  server.execute(
      "CREATE DATABASE IF NOT EXISTS pos_db; "
      "CREATE TABLE pos_db.t (id INT PRIMARY KEY); "
      "INSERT INTO pos_db.t VALUES (1), (2)");
  auto conn = connect_as(server, "root");
  const auto pos = conn.current_position();
  REQUIRE(pos);
  const auto status = server.query("SHOW MASTER STATUS");
  REQUIRE(status.size() == 1);
  CHECK(pos->file == *status[0][0]);
  CHECK(pos->position == std::stoull(*status[0][1]));
  const auto gtid = server.query("SELECT @@gtid_binlog_pos");
  CHECK(pos->gtid_set == *gtid[0][0]);
  CHECK(contains(pos->gtid_set, "0-1-"));  // domain 0, server 1, a seqno
}

TEST_CASE("check_settings reports MINIMAL row image and metadata",
          "[control]") {
  auto conn = connect_as(minimal_server(), "root");
  const auto problems = conn.check_settings();
  REQUIRE(problems);
  std::map<std::string, mysql::SettingProblem> by_variable;
  for (const auto& p : *problems) by_variable[p.variable] = p;
  CHECK(problems->size() == 2);
  REQUIRE(by_variable.contains("binlog_row_image"));
  REQUIRE(by_variable.contains("binlog_row_metadata"));
  const auto& image = by_variable["binlog_row_image"];
  CHECK(image.severity == mysql::SettingProblem::Severity::kWarning);
  CHECK(contains(image.message, "MINIMAL"));
  CHECK(contains(image.message, "binlog_row_image=FULL"));
  const auto& metadata = by_variable["binlog_row_metadata"];
  CHECK(metadata.severity == mysql::SettingProblem::Severity::kInfo);
  CHECK(contains(metadata.message, "information_schema"));
  CHECK(contains(metadata.message, "binlog_row_metadata=FULL"));

  auto full = connect_as(full_server(), "root");
  const auto none = full.check_settings();
  REQUIRE(none);
  CHECK(none->empty());
}

TEST_CASE("a wrong password is refused with a hint, never echoed",
          "[control]") {
  auto& server = full_server();
  server.execute(
      "CREATE USER IF NOT EXISTS 'pw_user'@'%' IDENTIFIED BY "
      "'Right-Pass-4711'");
  const std::string wrong = "Wr0ng-Secret-9876";
  const auto conn =
      ControlConnection::connect(address_of(server), options("pw_user", wrong));
  REQUIRE_FALSE(conn);
  const std::string& m = conn.error().message;
  INFO(m);
  CHECK(conn.error().code == Errc::kRefused);
  CHECK(contains(m, "Access denied"));
  CHECK(contains(m, "1045"));
  CHECK(contains(m, "canal.instance.dbUsername/dbPassword"));
  CHECK(contains(m, "SLUICE_PASSWORD"));
  CHECK_FALSE(contains(m, wrong));

  const auto right = ControlConnection::connect(
      address_of(server), options("pw_user", "Right-Pass-4711"));
  CHECK(right);
}

TEST_CASE("an unreachable port fails fast and names host:port", "[control]") {
  const uint16_t port = closed_port();
  const auto start = Clock::now();
  const auto conn = ControlConnection::connect(ServerAddress{"127.0.0.1", port},
                                               options("root", "x"));
  const auto elapsed = Clock::now() - start;
  REQUIRE_FALSE(conn);
  const std::string& m = conn.error().message;
  INFO(m);
  CHECK(conn.error().code == Errc::kIo);
  CHECK(contains(m, "127.0.0.1:" + std::to_string(port)));
  CHECK(contains(m, "canal.instance.master.address"));
  CHECK(elapsed < std::chrono::seconds(3));
}

TEST_CASE("a server that never answers times out within the timeout",
          "[control]") {
  // Accepts TCP connections (the kernel completes them) but never sends the
  // handshake.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  socklen_t len = sizeof addr;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  REQUIRE(::listen(fd, 4) == 0);
  const uint16_t port = ntohs(addr.sin_port);
  const auto start = Clock::now();
  const auto conn = ControlConnection::connect(ServerAddress{"127.0.0.1", port},
                                               options("root", ""));
  const auto elapsed = Clock::now() - start;
  ::close(fd);
  REQUIRE_FALSE(conn);
  INFO(conn.error().message);
  CHECK(conn.error().code == Errc::kIo);
  CHECK(contains(conn.error().message, "127.0.0.1:" + std::to_string(port)));
  // connect_timeout_s = 2; the handshake read is bounded by it as well.
  CHECK(elapsed < std::chrono::seconds(5));
}

TEST_CASE("TLS required of a server without TLS is refused", "[control]") {
  auto& server = full_server();
  const auto have_ssl = server.query("SELECT @@have_ssl");
  REQUIRE(have_ssl.size() == 1);
  // The harness's server has no certificate; if it ever gets one this test
  // must change to check the TLS session instead.
  REQUIRE(*have_ssl[0][0] != "YES");
  for (const bool verify : {false, true}) {
    INFO("verify_server_cert " << verify);
    auto o = options("root", "");
    o.tls.enabled = true;
    o.tls.verify_server_cert = verify;
    const auto conn = ControlConnection::connect(address_of(server), o);
    REQUIRE_FALSE(conn);
    INFO(conn.error().message);
    CHECK(conn.error().code == Errc::kRefused);
    CHECK(contains(conn.error().message, "TLS"));
  }
}

TEST_CASE("a purged binlog file is named with the oldest file left",
          "[control]") {
  MariaDbServer server;  // its own: purging changes the file list
  server.execute(
      "CREATE DATABASE p; CREATE TABLE p.t (id INT PRIMARY KEY); "
      "INSERT INTO p.t VALUES (1)");
  server.binlog_files();
  server.execute("INSERT INTO p.t VALUES (2)");
  server.binlog_files();
  auto conn = connect_as(server, "root");
  auto before = conn.binlogs();
  REQUIRE(before);
  REQUIRE(before->size() >= 3);
  const std::string purged = (*before)[0].name;
  const std::string keep = (*before)[2].name;
  CHECK(conn.check_position_available(purged, 4));

  server.execute("PURGE BINARY LOGS TO '" + keep + "'");
  auto after = conn.binlogs();
  REQUIRE(after);
  REQUIRE_FALSE(after->empty());
  // MariaDB keeps a file its crash recovery still needs, so the oldest left
  // may be older than `keep`; the first one is gone either way.
  const std::string oldest = after->front().name;
  REQUIRE(oldest != purged);
  CHECK(oldest <= keep);

  const auto gone = conn.check_position_available(purged, 4);
  REQUIRE_FALSE(gone);
  INFO(gone.error().message);
  CHECK(gone.error().code == Errc::kLostEvents);
  CHECK(contains(gone.error().message, purged));
  CHECK(contains(gone.error().message, "purged"));
  CHECK(contains(gone.error().message, "oldest file available is " + oldest));
  CHECK(contains(gone.error().message, "re-snapshot"));

  CHECK(conn.check_position_available(oldest, 4));
  CHECK(conn.check_position_available(keep, 4));
  const auto& current = after->back();
  CHECK(conn.check_position_available(current.name, current.size));
  const auto past =
      conn.check_position_available(current.name, current.size + 1000);
  REQUIRE_FALSE(past);
  INFO(past.error().message);
  CHECK(past.error().code == Errc::kLostEvents);
  CHECK(contains(past.error().message, current.name));
  CHECK(contains(past.error().message, std::to_string(current.size + 1000)));
  CHECK(contains(past.error().message, std::to_string(current.size)));

  const auto newer = conn.check_position_available("mariadb-bin.999999", 4);
  REQUIRE_FALSE(newer);
  CHECK(contains(newer.error().message, "newer than its newest file"));
}

TEST_CASE("missing replication grants are listed", "[control]") {
  auto& server = full_server();
  server.execute(
      "CREATE USER IF NOT EXISTS 'plain'@'%' IDENTIFIED BY 'plain-pw'; "
      "GRANT SELECT ON *.* TO 'plain'@'%'; "
      "CREATE USER IF NOT EXISTS 'half'@'%' IDENTIFIED BY 'half-pw'; "
      "GRANT REPLICATION SLAVE ON *.* TO 'half'@'%'; "
      "CREATE USER IF NOT EXISTS 'repl'@'%' IDENTIFIED BY 'repl-pw'; "
      "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'repl'@'%'; "
      "CREATE USER IF NOT EXISTS 'sup'@'%' IDENTIFIED BY 'sup-pw'; "
      "GRANT REPLICATION SLAVE, SUPER ON *.* TO 'sup'@'%'");

  auto plain = connect_as(server, "plain", "plain-pw");
  const auto missing = plain.missing_replication_grants();
  REQUIRE(missing);
  REQUIRE(missing->size() == 2);
  CHECK(contains((*missing)[0], "REPLICATION SLAVE"));
  CHECK(
      contains((*missing)[0], "GRANT REPLICATION SLAVE ON *.* TO 'plain'@'%'"));
  CHECK(contains((*missing)[1], "BINLOG MONITOR"));
  for (const auto& m : *missing) {
    CHECK_FALSE(contains(m, "PASSWORD"));  // SHOW GRANTS lines hold hashes
  }
  const auto plain_ok = plain.has_replication_grants();
  REQUIRE(plain_ok);
  CHECK_FALSE(*plain_ok);
  // Without BINLOG MONITOR the position cannot be read: a refusal.
  const auto pos = plain.current_position();
  REQUIRE_FALSE(pos);
  CHECK(pos.error().code == Errc::kRefused);

  auto half = connect_as(server, "half", "half-pw");
  const auto half_missing = half.missing_replication_grants();
  REQUIRE(half_missing);
  REQUIRE(half_missing->size() == 1);
  CHECK(contains((*half_missing)[0], "BINLOG MONITOR"));

  auto repl = connect_as(server, "repl", "repl-pw");
  const auto repl_ok = repl.has_replication_grants();
  REQUIRE(repl_ok);
  CHECK(*repl_ok);
  CHECK(repl.current_position());

  // SUPER still allows SHOW MASTER STATUS and SHOW BINARY LOGS.
  auto sup = connect_as(server, "sup", "sup-pw");
  const auto sup_ok = sup.has_replication_grants();
  REQUIRE(sup_ok);
  CHECK(*sup_ok);
  CHECK(sup.current_position());
  CHECK(sup.binlogs());

  auto root = connect_as(server, "root");
  const auto root_ok = root.has_replication_grants();
  REQUIRE(root_ok);
  CHECK(*root_ok);  // ALL PRIVILEGES
}

const char* const kOrdersDdl =
    "CREATE TABLE shop.orders ("
    " region VARCHAR(8) CHARACTER SET latin1 NOT NULL,"
    " qty INT UNSIGNED NOT NULL,"
    " id BIGINT NOT NULL,"
    " amount DECIMAL(18,2),"
    " state ENUM('new','paid','it''s'),"
    " note TEXT,"
    " tag VARBINARY(4),"
    " PRIMARY KEY (id, region))";

TEST_CASE("InformationSchemaSource reads columns, key and types", "[schema]") {
  auto& server = minimal_server();
  server.execute("CREATE DATABASE IF NOT EXISTS shop");
  server.execute(kOrdersDdl);
  auto conn = connect_as(server, "root");
  schema::InformationSchemaSource source(conn);
  const auto loaded = source.load("shop", "orders");
  REQUIRE(loaded);
  REQUIRE(loaded->has_value());
  const schema::TableSchema& t = **loaded;
  CHECK(t.schema == "shop");
  CHECK(t.table == "orders");
  REQUIRE(t.columns.size() == 7);
  std::vector<std::string> names;
  std::vector<std::string> pk;
  for (const auto& c : t.columns) {
    names.push_back(c.name);
    if (c.primary_key) pk.push_back(c.name);
  }
  CHECK(names == std::vector<std::string>{"region", "qty", "id", "amount",
                                          "state", "note", "tag"});
  // Key columns in table order, although the key lists id first.
  CHECK(pk == std::vector<std::string>{"region", "id"});
  CHECK(t.columns[1].is_unsigned);
  CHECK(t.columns[1].column_type == "int(10) unsigned");
  CHECK_FALSE(t.columns[2].is_unsigned);
  CHECK(t.columns[3].data_type == "decimal");
  CHECK(t.columns[3].column_type == "decimal(18,2)");
  CHECK(t.columns[4].elements ==
        std::vector<std::string>{"new", "paid", "it's"});
  CHECK(t.columns[0].collation == "latin1_swedish_ci");
  CHECK(t.columns[0].collation_id == 8);
  CHECK(t.columns[6].collation_id == 63);  // binary string
  CHECK(t.columns[5].collation_id != 0);   // TEXT in the default charset

  const auto missing = source.load("shop", "no_such_table");
  REQUIRE(missing);
  CHECK_FALSE(missing->has_value());
}

TEST_CASE("a MINIMAL TABLE_MAP gets names from the cache, DDL is caught",
          "[schema]") {
  auto& server = minimal_server();
  server.execute("CREATE DATABASE IF NOT EXISTS shop");
  server.execute(
      "CREATE TABLE shop.items ("
      " region VARCHAR(8) CHARACTER SET latin1 NOT NULL,"
      " qty INT UNSIGNED NOT NULL,"
      " id BIGINT NOT NULL,"
      " amount DECIMAL(18,2),"
      " state ENUM('new','paid'),"
      " PRIMARY KEY (id, region))");
  server.execute("INSERT INTO shop.items VALUES ('eu', 3, 1, 12.50, 'paid')");
  const binlog::TableMap old_map = last_table_map(server, "shop.items");
  REQUIRE(old_map.columns.size() == 5);
  REQUIRE_FALSE(old_map.has_column_names);  // MINIMAL: no names in binlog
  CHECK(old_map.has_signedness);  // but signedness, cross-checked below
  CHECK(old_map.columns[1].is_unsigned);
  CHECK(old_map.columns[0].name.empty());

  auto conn = connect_as(server, "root");
  schema::InformationSchemaSource source(conn);
  schema::SchemaCache cache(source);

  binlog::TableMap map = old_map;
  const auto applied = cache.apply(map);
  if (!applied) FAIL(applied.error().message);
  CHECK(map.has_column_names);
  CHECK(map.columns[0].name == "region");
  CHECK(map.columns[4].name == "state");
  CHECK(map.columns[0].primary_key);
  CHECK_FALSE(map.columns[1].primary_key);
  CHECK(map.columns[2].primary_key);
  CHECK(map.columns[1].is_unsigned);
  CHECK(map.columns[1].mysql_type == "int(10) unsigned");
  CHECK(map.columns[3].mysql_type == "decimal(18,2)");
  CHECK(map.columns[4].elements == std::vector<std::string>{"new", "paid"});
  CHECK(cache.loads() == 1);

  // A second TABLE_MAP of the same table is served from the cache.
  binlog::TableMap again = old_map;
  REQUIRE(cache.apply(again));
  CHECK(cache.loads() == 1);

  server.execute("ALTER TABLE shop.items ADD COLUMN extra INT");
  // Until invalidated, the cache still has the old definition.
  {
    const auto stale = cache.get("shop", "items");
    REQUIRE(stale);
    REQUIRE(*stale != nullptr);
    CHECK((*stale)->columns.size() == 5);
  }
  cache.invalidate("shop", "ITEMS");  // any case, as a DDL may spell it
  const auto fresh = cache.get("shop", "items");
  REQUIRE(fresh);
  REQUIRE(*fresh != nullptr);
  CHECK((*fresh)->columns.size() == 6);
  CHECK(cache.loads() == 2);

  // The old TABLE_MAP (one column fewer) no longer matches.
  binlog::TableMap stale_map = old_map;
  const auto mismatch = schema::apply_schema(**fresh, stale_map);
  REQUIRE_FALSE(mismatch);
  {
    const std::string& m = mismatch.error().message;
    INFO(m);
    CHECK(mismatch.error().code == Errc::kCorrupt);
    CHECK(contains(m, "`shop`.`items`"));
    CHECK(contains(m, "TABLE_MAP has 5 columns"));
    CHECK(contains(m, "information_schema has 6"));
    CHECK(contains(m, "column 6 (`extra` int(11))"));
    CHECK(contains(m, "binlog_row_metadata=FULL"));
  }
  CHECK_FALSE(stale_map.has_column_names);
  const auto via_cache = cache.apply(stale_map);
  REQUIRE_FALSE(via_cache);
  CHECK(via_cache.error().code == Errc::kCorrupt);

  // Rows written after the ALTER carry a 6-column TABLE_MAP that matches.
  server.execute("INSERT INTO shop.items VALUES ('us', 1, 2, 1.00, 'new', 7)");
  const binlog::TableMap six_columns = last_table_map(server, "shop.items");
  REQUIRE(six_columns.columns.size() == 6);
  binlog::TableMap new_map = six_columns;
  REQUIRE(cache.apply(new_map));
  CHECK(new_map.columns[5].name == "extra");

  // A DDL the caller did not report: the cached definition disagrees with
  // the new TABLE_MAP, so the cache reloads once by itself.
  server.execute("ALTER TABLE shop.items MODIFY amount DECIMAL(20,4)");
  server.execute("INSERT INTO shop.items VALUES ('us', 1, 3, 1.50, 'new', 8)");
  binlog::TableMap modified = last_table_map(server, "shop.items");
  const uint64_t loads_before = cache.loads();
  {
    const auto reloaded = cache.apply(modified);
    if (!reloaded) FAIL(reloaded.error().message);
  }
  CHECK(cache.loads() == loads_before + 1);
  CHECK(modified.columns[3].mysql_type == "decimal(20,4)");

  // The TABLE_MAP from before the MODIFY now disagrees on precision.
  binlog::TableMap before_modify = six_columns;
  const auto changed = cache.apply(before_modify);
  REQUIRE_FALSE(changed);
  INFO(changed.error().message);
  CHECK(changed.error().code == Errc::kCorrupt);
  CHECK(contains(changed.error().message, "column 4 (`amount`)"));
  CHECK(contains(changed.error().message, "NEWDECIMAL(18,2)"));
  CHECK(contains(changed.error().message, "decimal(20,4)"));
  CHECK(contains(changed.error().message, "binlog_row_metadata=FULL"));

  // A dropped table: rows for it get a clear error.
  server.execute("DROP TABLE shop.items");
  cache.invalidate("shop", "items");
  binlog::TableMap dropped = modified;
  dropped.has_column_names = false;
  const auto gone = cache.apply(dropped);
  REQUIRE_FALSE(gone);
  CHECK(gone.error().code == Errc::kUnsupported);
  CHECK(contains(gone.error().message, "`shop`.`items`"));
  CHECK(contains(gone.error().message, "no such table"));
}

}  // namespace
}  // namespace sluice
