#include "codec/statement_type.h"

namespace sluice::codec {

const char* statement_type_name(StatementType t) {
  switch (t) {
    case StatementType::kCreate:
      return "CREATE";
    case StatementType::kAlter:
      return "ALTER";
    case StatementType::kErase:
      return "ERASE";
    case StatementType::kTruncate:
      return "TRUNCATE";
    case StatementType::kRename:
      return "RENAME";
    case StatementType::kCreateIndex:
      return "CINDEX";
    case StatementType::kDropIndex:
      return "DINDEX";
    case StatementType::kQuery:
      return "QUERY";
  }
  return "QUERY";
}

int statement_type_number(StatementType t) {
  switch (t) {
    case StatementType::kCreate:
      return 4;
    case StatementType::kAlter:
      return 5;
    case StatementType::kErase:
      return 6;
    case StatementType::kQuery:
      return 7;
    case StatementType::kTruncate:
      return 8;
    case StatementType::kRename:
      return 9;
    case StatementType::kCreateIndex:
      return 10;
    case StatementType::kDropIndex:
      return 11;
  }
  return 7;
}

}  // namespace sluice::codec
