// The integration-test harness itself: a MariaDbServer starts, takes SQL,
// answers queries, writes binlog files, and honours extra mariadbd options.
#include "integration/mariadb_server.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <stdexcept>

using sluice::testing::MariaDbServer;

TEST_CASE("MariaDbServer runs SQL and lists its binlog files",
          "[integration][mariadb]") {
  MariaDbServer server;
  CHECK(server.port() > 0);
  CHECK(std::filesystem::exists(server.socket_path()));
  CHECK(std::filesystem::is_directory(server.dir()));

  server.execute("CREATE DATABASE test");
  server.execute(
      "CREATE TABLE test.t (id BIGINT PRIMARY KEY, name VARCHAR(32) NULL) "
      "DEFAULT CHARSET=utf8mb4");
  server.execute(
      "INSERT INTO test.t VALUES (1, 'caf\xc3\xa9 \xf0\x9f\x8e\x89'); "
      "INSERT INTO test.t VALUES (2, NULL)");

  const auto rows = server.query("SELECT id, name FROM test.t ORDER BY id");
  REQUIRE(rows.size() == 2);
  REQUIRE(rows[0].size() == 2);
  CHECK(rows[0][0] == "1");
  CHECK(rows[0][1] == "caf\xc3\xa9 \xf0\x9f\x8e\x89");
  CHECK(rows[1][0] == "2");
  CHECK_FALSE(rows[1][1].has_value());

  CHECK(server.query("SELECT @@binlog_format, @@binlog_row_metadata") ==
        std::vector<MariaDbServer::Row>{{"ROW", "FULL"}});
  CHECK(server.query("DO 1").empty());

  const auto files = server.binlog_files();
  REQUIRE(files.size() >= 2);  // FLUSH BINARY LOGS opened a new one
  for (const auto& f : files) {
    INFO(f);
    CHECK(std::filesystem::path(f).is_absolute());
    CHECK(std::filesystem::exists(f));
  }
  // The first file holds the inserts and is now closed by a ROTATE event.
  CHECK(std::filesystem::file_size(files.front()) >
        std::filesystem::file_size(files.back()));

  try {
    server.execute("INSERT INTO test.no_such_table VALUES (1)");
    FAIL("execute did not throw");
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Catch::Contains("doesn't exist"));
    CHECK_THAT(what, Catch::Contains("no_such_table"));
  }
}

TEST_CASE("MariaDbServer passes extra mariadbd options",
          "[integration][mariadb]") {
  MariaDbServer server(
      {"--binlog-row-metadata=MINIMAL", "--binlog-row-image=MINIMAL"});
  CHECK(server.query("SELECT @@binlog_row_metadata, @@binlog_row_image, "
                     "@@bind_address") ==
        std::vector<MariaDbServer::Row>{{"MINIMAL", "MINIMAL", "127.0.0.1"}});
}

TEST_CASE("MariaDbServer reports a server that cannot start",
          "[integration][mariadb]") {
  try {
    MariaDbServer server({"--no-such-option=1"});
    FAIL("the constructor did not throw");
  } catch (const std::runtime_error& e) {
    // The message quotes err.log, which names the bad option.
    CHECK_THAT(std::string(e.what()), Catch::Contains("no-such-option"));
  }
}
