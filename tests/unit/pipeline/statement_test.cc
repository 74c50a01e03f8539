// QUERY statements sorted into transaction control, DDL kinds with their
// table, and other statements.
#include "pipeline/statement.h"

#include <catch2/catch.hpp>

namespace sluice::pipeline {
namespace {

using codec::StatementType;

TEST_CASE("transaction control is recognised", "[statement]") {
  for (const char* sql :
       {"BEGIN", "COMMIT", "ROLLBACK", "XA START 'x'", "XA COMMIT 'x'",
        "SAVEPOINT a", "START TRANSACTION", "  /* c */ commit"}) {
    INFO(sql);
    CHECK(classify_statement(sql, "db").transaction_control);
  }
  CHECK_FALSE(classify_statement("START SLAVE", "db").transaction_control);
}

TEST_CASE("DDL kinds and their tables", "[statement]") {
  struct Case {
    const char* sql;
    StatementType type;
    const char* schema;
    const char* table;
  };
  const Case cases[] = {
      {"CREATE TABLE t (id INT)", StatementType::kCreate, "db", "t"},
      {"create table if not exists `o`.`t 1` (id int)", StatementType::kCreate,
       "o", "t 1"},
      {"CREATE OR REPLACE TEMPORARY TABLE x.y (a INT)", StatementType::kCreate,
       "x", "y"},
      {"CREATE DATABASE shop", StatementType::kCreate, "shop", ""},
      {"ALTER TABLE commission ADD c INT", StatementType::kAlter, "db",
       "commission"},
      {"ALTER ONLINE TABLE a.b ADD c INT", StatementType::kAlter, "a", "b"},
      {"DROP TABLE IF EXISTS `t`", StatementType::kErase, "db", "t"},
      {"DROP DATABASE IF EXISTS old", StatementType::kErase, "old", ""},
      {"TRUNCATE TABLE s.t", StatementType::kTruncate, "s", "t"},
      {"TRUNCATE t", StatementType::kTruncate, "db", "t"},
      {"RENAME TABLE a TO b", StatementType::kRename, "db", "a"},
      {"CREATE UNIQUE INDEX i ON s.t (c)", StatementType::kCreateIndex, "s",
       "t"},
      {"DROP INDEX i ON t", StatementType::kDropIndex, "db", "t"},
      {"-- note\nALTER TABLE t ENGINE=InnoDB", StatementType::kAlter, "db",
       "t"},
      {"INSERT INTO t VALUES (1)", StatementType::kQuery, "db", ""},
      {"GRANT ALL ON *.* TO u", StatementType::kQuery, "db", ""},
  };
  for (const Case& c : cases) {
    INFO(c.sql);
    const Statement st = classify_statement(c.sql, "db");
    CHECK_FALSE(st.transaction_control);
    CHECK(st.type == c.type);
    CHECK(st.schema == c.schema);
    CHECK(st.table == c.table);
  }
}

}  // namespace
}  // namespace sluice::pipeline
