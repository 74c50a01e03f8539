// `sluice tail` against real MariaDB servers, run as the operator runs it (a
// child process, password in SLUICE_PASSWORD): live streaming under load
// with the dump thread killed and the server restarted, GTID starts,
// heartbeats, DDL, TLS and the start-up errors. Output is checked against
// `sluice decode` of the same binlog files, against mariadb-binlog
// --read-from-remote-server, and by replaying it onto a model of the table.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <tuple>

#include "integration/commission_writer.h"
#include "integration/tail_support.h"
#include "support/mariadb_binlog_oracle.h"

namespace sluice::testing {
namespace {

using namespace std::chrono_literals;

// Everything but the per-process "id" and "ts".
auto comparable(const FlatLine& l) {
  return std::tie(l.type, l.database, l.table, l.is_ddl, l.sql, l.gtid,
                  l.pk_names, l.data, l.old);
}

// Kills the binlog dump thread, waiting (up to 20 s) for sluice to be
// connected first.
void kill_dump_thread(MariaDbServer& server) {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (kill_dump_threads(server) > 0) return;
    std::this_thread::sleep_for(100ms);
  }
  FAIL("no binlog dump thread to kill: sluice tail is not connected");
}

size_t count_of(const std::string& text, const std::string& word) {
  size_t n = 0;
  for (size_t at = 0; (at = text.find(word, at)) != std::string::npos; ++at)
    ++n;
  return n;
}

bool wait_for_reconnects(TailProcess& tail, size_t n) {
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (count_of(tail.err(), "reconnected") >= n) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

std::string start_args_file(MariaDbServer& server,
                            std::vector<std::string>& args) {
  server.binlog_files();  // FLUSH: start in a fresh file
  const auto [file, pos] = binlog_end(server);
  args.insert(args.end(), {"--file", file, "--pos", std::to_string(pos)});
  return file;
}

TEST_CASE("tail: 100k+ changes survive two dump-thread kills and a restart",
          "[tail]") {
  auto server = start_commission_server();
  std::vector<std::string> args = {"--heartbeat", "1", "--max-backoff", "1"};
  const std::string first_file = start_args_file(*server, args);
  TailProcess tail(*server, args);

  const uint64_t seed = std::random_device{}();
  INFO("writer seed " << seed);
  Writer writer(*server, seed, 1);
  size_t breaks = 0;
  for (int batch = 0; batch < 120; ++batch) {
    if (batch % 3 == 2) {
      writer.update_and_delete(1000);
    } else {
      writer.insert(1000);
    }
    // Each break waits until sluice has reconnected, so the three are
    // separate losses (a restart during a reconnect would merge them).
    if (batch == 40 || batch == 65 || batch == 90) {
      if (batch == 65) {
        server->restart();
      } else {
        kill_dump_thread(*server);
      }
      ++breaks;
      REQUIRE(wait_for_reconnects(tail, breaks));
    }
  }
  const std::string expected_text =
      sluice_decode(binlog_paths_from(*server, first_file));
  const std::vector<FlatLine> expected = parse_flat_lines(expected_text);
  size_t expected_rows = 0;
  for (const FlatLine& l : expected) expected_rows += l.data.size();
  REQUIRE(expected_rows > 100000);

  REQUIRE(tail.wait_for_lines(expected.size(), 300s));
  CHECK(exit_code(tail.stop(10s)) == 0);
  const std::vector<FlatLine> got = parse_flat_lines(tail.out());
  INFO("stderr:\n" << tail.err());
  REQUIRE(got.size() == expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("line " << i);
    REQUIRE(comparable(got[i]) == comparable(expected[i]));
  }
  // Reconnected after both kills and the restart without repeating or
  // losing a row (replay throws on a duplicate insert or a missing row).
  CHECK(count_of(tail.err(), "reconnected") == 3);
  CommissionModel model;
  replay(got, model);
  CHECK(model == select_commission(*server));

  // The same range as MariaDB's own replica client reads it.
  const std::vector<OracleRow> oracle = run_mariadb_binlog_remote(
      "127.0.0.1", server->port(), kReplUser, kReplPassword,
      binlog_names_from(*server, first_file));
  std::vector<std::pair<std::string, std::string>> oracle_ids, tail_ids;
  for (const OracleRow& r : oracle) {
    const auto& image = r.kind == OracleRowKind::kDelete ? r.before : r.after;
    REQUIRE_FALSE(image.empty());
    oracle_ids.emplace_back(r.kind == OracleRowKind::kInsert   ? "INSERT"
                            : r.kind == OracleRowKind::kUpdate ? "UPDATE"
                                                               : "DELETE",
                            image[0].value.text);
  }
  for (const FlatLine& l : got) {
    for (const FlatRow& row : l.data)
      tail_ids.emplace_back(l.type, *row.at("id"));
  }
  CHECK(tail_ids == oracle_ids);
}

TEST_CASE("tail: start from a MariaDB GTID position - resume by GTID",
          "[tail]") {
  auto server = start_commission_server();
  Writer before(*server, 1, 1);
  before.insert(50);  // ids 1..50 happen before the start position
  const auto pos = server->query("SELECT @@gtid_binlog_pos");
  REQUIRE(pos.size() == 1);
  TailProcess tail(*server, {"--gtid", *pos[0][0], "--heartbeat", "1",
                             "--max-backoff", "1"});
  Writer writer(*server, 2, 1001);
  for (int batch = 0; batch < 30; ++batch) {
    if (batch % 3 == 2) {
      writer.update_and_delete(100);
    } else {
      writer.insert(200);
    }
    if (batch == 15) kill_dump_thread(*server);
  }
  // The rows written after the start position: ids from 1001 on.
  CommissionModel want = select_commission(*server);
  std::erase_if(want,
                [](const auto& kv) { return std::stoll(kv.first) < 1001; });
  // Wait until every row after the start has arrived.
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  CommissionModel model;
  while (std::chrono::steady_clock::now() < deadline) {
    model.clear();
    const std::string out = tail.out();
    replay(parse_flat_lines(out.substr(0, out.rfind('\n') + 1)), model);
    if (model == want) break;
    std::this_thread::sleep_for(200ms);
  }
  INFO("stderr:\n" << tail.err());
  CHECK(model == want);
  CHECK(tail.err().find("reconnected; resuming at GTID 0-1-") !=
        std::string::npos);
  CHECK(exit_code(tail.stop(10s)) == 0);
  CHECK(tail.err().find("resume with --gtid '0-1-") != std::string::npos);
}

TEST_CASE("tail: an idle stream stays connected through heartbeats", "[tail]") {
  auto server = start_commission_server();
  TailProcess tail(*server, {"--heartbeat", "0.5"});
  REQUIRE(tail.wait_for_err("streaming from", 20s));
  std::this_thread::sleep_for(4s);  // eight heartbeat periods of silence
  Writer writer(*server, 3, 1);
  writer.insert(3);
  REQUIRE(tail.wait_for_lines(3, 20s));
  INFO("stderr:\n" << tail.err());
  CHECK(tail.err().find("reconnect") == std::string::npos);
  CHECK(tail.err().find("idle, caught up") != std::string::npos);
  CHECK(exit_code(tail.stop(10s)) == 0);
  const auto lines = parse_flat_lines(tail.out());
  REQUIRE(lines.size() == 3);  // one message per row
  CHECK(lines[2].data.at(0).at("id") == "3");
}

// DDL between inserts; returns the printed row messages in order.
std::vector<FlatLine> ddl_sequence(MariaDbServer& server, TailProcess& tail) {
  size_t lines = 0;
  const auto step = [&](const std::string& sql, bool prints) {
    server.execute(sql);
    if (prints) {
      ++lines;
      REQUIRE(tail.wait_for_lines(lines, 30s));
    }
  };
  step("INSERT INTO test.commission VALUES (1, 7, 'order', 1.50, 'a', " +
           created(1) + ")",
       true);
  step("ALTER TABLE test.commission ADD COLUMN extra INT NULL", true);
  step("INSERT INTO test.commission VALUES (2, 7, 'order', 2.50, 'b', " +
           created(2) + ", 5)",
       true);
  step("ALTER TABLE test.commission DROP COLUMN note", true);
  step("INSERT INTO test.commission VALUES (3, 7, 'order', 3.50, " +
           created(3) + ", 6)",
       true);
  step("ALTER TABLE test.commission MODIFY amount DECIMAL(20,3) NOT NULL",
       true);
  step("INSERT INTO test.commission VALUES (4, 7, 'order', 4.125, " +
           created(4) + ", 7)",
       true);
  step("RENAME TABLE test.commission TO test.income", true);
  step("INSERT INTO test.income VALUES (5, 7, 'order', 5.5, " + created(5) +
           ", 8)",
       true);
  std::vector<FlatLine> rows;
  for (FlatLine& l : parse_flat_lines(tail.out())) {
    if (!l.is_ddl) rows.push_back(std::move(l));
  }
  return rows;
}

void check_ddl_rows(const std::vector<FlatLine>& rows) {
  REQUIRE(rows.size() == 5);
  CHECK(rows[0].data[0].at("note") == "a");
  CHECK(rows[0].data[0].count("extra") == 0);
  CHECK(rows[1].data[0].at("extra") == "5");
  CHECK(rows[1].data[0].at("note") == "b");
  CHECK(rows[2].data[0].count("note") == 0);
  CHECK(rows[2].data[0].at("extra") == "6");
  CHECK(rows[2].data[0].at("amount") == "3.50");
  CHECK(rows[3].data[0].at("amount") == "4.125");
  CHECK(rows[4].table == "income");
  CHECK(rows[4].data[0].at("amount") == "5.500");
  CHECK(rows[4].pk_names == std::vector<std::string>{"id"});
}

TEST_CASE("tail: DDL mid-stream with FULL row metadata", "[tail][ddl]") {
  auto server = start_commission_server();
  TailProcess tail(*server, {});
  REQUIRE(tail.wait_for_err("streaming from", 20s));
  check_ddl_rows(ddl_sequence(*server, tail));
  CHECK(exit_code(tail.stop(10s)) == 0);
}

TEST_CASE("tail: DDL with MINIMAL metadata - live and from a stale backlog",
          "[tail][ddl]") {
  auto server = start_commission_server({"--binlog-row-metadata=MINIMAL"});
  std::vector<std::string> args;
  const std::string first = start_args_file(*server, args);
  {
    // Live: each definition is read from information_schema while current.
    TailProcess tail(*server, args);
    check_ddl_rows(ddl_sequence(*server, tail));
    CHECK(exit_code(tail.stop(10s)) == 0);
  }
  // Replaying the same binlog later: the first rows' table no longer has
  // that definition (or name), and sluice stops rather than mislabel.
  TailProcess late(*server, args);
  const auto status = late.wait(30s);
  INFO("stderr:\n" << late.err());
  CHECK(exit_code(status) == 2);
  CHECK(late.err().find("binlog_row_metadata=FULL") != std::string::npos);
  CHECK(late.line_count() == 0);
}

TEST_CASE("tail: MINIMAL metadata across a server restart", "[tail][ddl]") {
  auto server = start_commission_server({"--binlog-row-metadata=MINIMAL"});
  TailProcess tail(*server, {"--max-backoff", "1"});
  REQUIRE(tail.wait_for_err("streaming from", 20s));
  Writer writer(*server, 5, 1);
  writer.insert(2);
  REQUIRE(tail.wait_for_lines(2, 30s));
  server->restart();
  // The definition changes after the restart: its lookup needs a control
  // connection, which the restart broke.
  server->execute("ALTER TABLE test.commission ADD COLUMN extra INT NULL");
  server->execute(
      "INSERT INTO test.commission VALUES (100, 1, 'order', 1.00, "
      "NULL, " +
      created(100) + ", 42)");
  REQUIRE(tail.wait_for_lines(4, 60s));  // 2 rows, the ALTER, 1 row
  INFO("stderr:\n" << tail.err());
  const auto lines = parse_flat_lines(tail.out());
  REQUIRE(lines.size() == 4);
  CHECK(lines[2].type == "ALTER");
  CHECK(lines[3].data.at(0).at("extra") == "42");
  CHECK(lines[3].data.at(0).at("id") == "100");
  CHECK(exit_code(tail.stop(10s)) == 0);
}

TEST_CASE("tail: canal table and field filters", "[tail][filter]") {
  auto server = start_commission_server();
  server->execute("CREATE TABLE test.other (id INT PRIMARY KEY, v INT)");
  std::vector<std::string> args = {
      "--filter", "test\\.comm.*", "--black-field-filter",
      "test.commission:note/created", "--stop-at-end"};
  start_args_file(*server, args);
  Writer writer(*server, 6, 1);
  writer.insert(5);
  server->execute(
      "INSERT INTO test.other VALUES (1, 1), (2, 2); "
      "ALTER TABLE test.other ADD COLUMN w INT; "
      "UPDATE test.commission SET note = 'changed' WHERE id = 1; "
      "UPDATE test.commission SET amount = 9.99 WHERE id = 2");
  TailProcess tail(*server, args);
  INFO("stderr:\n" << tail.err());
  CHECK(exit_code(tail.wait(30s)) == 0);
  const auto lines = parse_flat_lines(tail.out());
  // 5 inserts and 2 updates of test.commission; test.other's rows and DDL
  // are filtered out.
  REQUIRE(lines.size() == 7);
  for (const FlatLine& l : lines) {
    CHECK(l.table == "commission");
    CHECK(l.data.at(0).count("note") == 0);
    CHECK(l.data.at(0).count("created") == 0);
    CHECK(l.data.at(0).count("amount") == 1);
  }
  // The update of a filtered column still arrives (canal keeps it), with an
  // empty old; the other carries its change.
  CHECK(lines[5].type == "UPDATE");
  CHECK(lines[5].old.at(0).empty());
  CHECK(lines[6].old.at(0).count("amount") == 1);
}

// Runs the openssl tool, its output into `dir`/openssl.log.
void openssl(const std::string& dir, std::vector<std::string> args) {
  const auto tool = find_program("openssl");
  if (!tool) FAIL("openssl not found: install the Debian package openssl");
  args.insert(args.begin(), *tool);
  ChildProcess p(args, {.stdout_path = dir + "/openssl.log",
                        .stderr_path = "",
                        .env = {},
                        .die_with_parent = true});
  REQUIRE(exit_code(p.wait(60s)) == 0);
}

// A self-signed CA named `name` in `dir`; returns its certificate's path.
std::string make_ca(const std::string& dir, const std::string& name) {
  openssl(dir, {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=sluice test CA " + name, "-keyout",
                dir + "/" + name + ".key", "-out", dir + "/" + name + ".pem"});
  return dir + "/" + name + ".pem";
}

TEST_CASE("tail: TLS in verify-ca mode with a test CA", "[tail][tls]") {
  char dir_template[] = "/tmp/sluice-tls-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::string dir = dir_template;
  const std::string ca = make_ca(dir, "ca");
  const std::string other_ca = make_ca(dir, "other");
  // The server's certificate, signed by `ca`, for 127.0.0.1.
  openssl(dir,
          {"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
           "-keyout", dir + "/server.key", "-out", dir + "/server.csr"});
  std::ofstream(dir + "/san.ext")
      << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
  openssl(dir, {"x509", "-req", "-in", dir + "/server.csr", "-CA", ca, "-CAkey",
                dir + "/ca.key", "-CAcreateserial", "-days", "2", "-extfile",
                dir + "/san.ext", "-out", dir + "/server.pem"});
  auto server = start_commission_server({"--ssl-ca=" + ca,
                                         "--ssl-cert=" + dir + "/server.pem",
                                         "--ssl-key=" + dir + "/server.key"});
  std::vector<std::string> args = {"--tls-mode", "verify-ca", "--tls-ca", ca,
                                   "--stop-at-end"};
  start_args_file(*server, args);
  Writer writer(*server, 4, 1);
  writer.insert(10);
  {
    TailProcess tail(*server, args);
    const auto status = tail.wait(30s);
    INFO("stderr:\n" << tail.err());
    CHECK(exit_code(status) == 0);
    CHECK(tail.err().find(", TLS)") != std::string::npos);
    CHECK(parse_flat_lines(tail.out()).size() == 10);
  }
  args[3] = other_ca;  // a CA that did not sign the server's certificate
  TailProcess wrong(*server, args);
  const auto status = wrong.wait(30s);
  INFO("stderr:\n" << wrong.err());
  CHECK(exit_code(status) == 1);
  CHECK(wrong.err().find("certificate") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("tail: start-up errors are explained - exit 1 - within seconds",
          "[tail][errors]") {
  auto server = start_commission_server();
  const auto timed = [](TailProcess& t) {
    const auto start = std::chrono::steady_clock::now();
    const auto status = t.wait(20s);
    CHECK(std::chrono::steady_clock::now() - start < 15s);
    return exit_code(status);
  };
  SECTION("wrong password") {
    TailProcess t(*server, {}, "not-the-password");
    CHECK(timed(t) == 1);
    INFO(t.err());
    CHECK(t.err().find("Access denied") != std::string::npos);
    CHECK(t.err().find("not-the-password") == std::string::npos);
  }
  SECTION("nothing listens at the address") {
    std::vector<std::string> args = {SLUICE_BINARY, "tail",   "--master",
                                     "127.0.0.1:1", "--user", kReplUser};
    ChildProcess p(args, {.stdout_path = "",
                          .stderr_path = "/tmp/sluice-tail-refused.log",
                          .env = {"SLUICE_PASSWORD=x"},
                          .die_with_parent = true});
    CHECK(exit_code(p.wait(15s)) == 1);
    const std::string err = read_file("/tmp/sluice-tail-refused.log");
    std::filesystem::remove("/tmp/sluice-tail-refused.log");
    INFO(err);
    CHECK(err.find("127.0.0.1:1") != std::string::npos);
  }
  SECTION("a user without REPLICATION SLAVE") {
    server->execute(
        "CREATE USER plain@'127.0.0.1' IDENTIFIED BY 'plain-pw'; GRANT "
        "SELECT ON *.* TO plain@'127.0.0.1'");
    std::vector<std::string> args = {
        SLUICE_BINARY, "tail",
        "--master",    "127.0.0.1:" + std::to_string(server->port()),
        "--user",      "plain"};
    ChildProcess p(args, {.stdout_path = "",
                          .stderr_path = "/tmp/sluice-tail-grant.log",
                          .env = {"SLUICE_PASSWORD=plain-pw"},
                          .die_with_parent = true});
    CHECK(exit_code(p.wait(15s)) == 1);
    const std::string err = read_file("/tmp/sluice-tail-grant.log");
    std::filesystem::remove("/tmp/sluice-tail-grant.log");
    INFO(err);
    CHECK(err.find("REPLICATION SLAVE") != std::string::npos);
  }
  SECTION("a purged start position") {
    const auto files = server->binlog_files();
    const std::string purged =
        std::filesystem::path(files.front()).filename().string();
    const std::string oldest =
        std::filesystem::path(files.back()).filename().string();
    server->execute("PURGE BINARY LOGS TO '" + oldest + "'");
    TailProcess t(*server, {"--file", purged, "--pos", "4"});
    CHECK(timed(t) == 1);
    INFO(t.err());
    CHECK(t.err().find(purged) != std::string::npos);
    CHECK(t.err().find(oldest) != std::string::npos);
  }
}

}  // namespace
}  // namespace sluice::testing
