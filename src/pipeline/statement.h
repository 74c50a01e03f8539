// Classification of QUERY-event statements: transaction control (not a
// message), DDL with the table it touches (canal's EntryProtocol EventType:
// CREATE, ALTER, ERASE, TRUNCATE, RENAME, CINDEX, DINDEX) or any other
// statement (QUERY). A small keyword scanner, not a SQL parser: it reads the
// leading keywords and the first table name, as canal's SimpleDdlParser does.
#pragma once

#include <string>
#include <string_view>

#include "codec/flat_message.h"

namespace sluice::pipeline {

struct Statement {
  bool transaction_control = false;  // BEGIN, COMMIT, ROLLBACK, XA, SAVEPOINT
  codec::StatementType type = codec::StatementType::kQuery;
  std::string schema;  // qualified schema, else the session's default
  std::string table;   // "" when the statement names no table
};

[[nodiscard]] Statement classify_statement(std::string_view sql,
                                           std::string_view default_schema);

}  // namespace sluice::pipeline
