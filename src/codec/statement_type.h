// Statement kinds canal distinguishes for DDL and other non-row statements
// (EntryProtocol EventType), with canal's names and numbers.
#pragma once

namespace sluice::codec {

enum class StatementType {
  kCreate,
  kAlter,
  kErase,
  kTruncate,
  kRename,
  kCreateIndex,
  kDropIndex,
  kQuery
};

// canal's EventType name ("CREATE", "CINDEX", ...).
[[nodiscard]] const char* statement_type_name(StatementType t);

// canal's EventType number (CREATE=4 ... DINDEX=11, QUERY=7).
[[nodiscard]] int statement_type_number(StatementType t);

}  // namespace sluice::codec
