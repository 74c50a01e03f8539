#include "pipeline/statement.h"

#include <cctype>

namespace sluice::pipeline {
namespace {

using codec::StatementType;

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  // Skips whitespace and comments (/* */, -- , #).
  void skip_space() {
    for (;;) {
      while (pos_ < s_.size() &&
             std::isspace(static_cast<unsigned char>(s_[pos_])))
        ++pos_;
      if (s_.substr(pos_).starts_with("/*")) {
        const size_t end = s_.find("*/", pos_ + 2);
        pos_ = end == std::string_view::npos ? s_.size() : end + 2;
      } else if (s_.substr(pos_).starts_with("-- ") ||
                 s_.substr(pos_).starts_with("#")) {
        const size_t end = s_.find('\n', pos_);
        pos_ = end == std::string_view::npos ? s_.size() : end + 1;
      } else {
        return;
      }
    }
  }

  // Consumes the keyword if it is next (case-insensitive, whole word).
  bool keyword(std::string_view kw) {
    skip_space();
    if (s_.size() - pos_ < kw.size()) return false;
    for (size_t i = 0; i < kw.size(); ++i) {
      if (std::toupper(static_cast<unsigned char>(s_[pos_ + i])) != kw[i])
        return false;
    }
    const size_t end = pos_ + kw.size();
    if (end < s_.size() &&
        (std::isalnum(static_cast<unsigned char>(s_[end])) || s_[end] == '_')) {
      return false;
    }
    pos_ = end;
    return true;
  }

  // Reads an identifier: `quoted` (with `` escapes) or bare word.
  std::string identifier() {
    skip_space();
    std::string out;
    if (pos_ < s_.size() && (s_[pos_] == '`' || s_[pos_] == '"')) {
      const char q = s_[pos_++];
      while (pos_ < s_.size()) {
        if (s_[pos_] == q) {
          if (pos_ + 1 < s_.size() && s_[pos_ + 1] == q) {
            out.push_back(q);
            pos_ += 2;
            continue;
          }
          ++pos_;
          break;
        }
        out.push_back(s_[pos_++]);
      }
      return out;
    }
    while (pos_ < s_.size() &&
           (std::isalnum(static_cast<unsigned char>(s_[pos_])) ||
            s_[pos_] == '_' || s_[pos_] == '$' ||
            static_cast<unsigned char>(s_[pos_]) >= 0x80)) {
      out.push_back(s_[pos_++]);
    }
    return out;
  }

  // Reads [schema.]table into the statement.
  void table_name(Statement& st) {
    std::string first = identifier();
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      st.schema = std::move(first);
      st.table = identifier();
    } else {
      st.table = std::move(first);
    }
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

Statement classify_statement(std::string_view sql,
                             std::string_view default_schema) {
  Statement st;
  st.schema = std::string(default_schema);
  Scanner sc(sql);
  if (sc.keyword("BEGIN") || sc.keyword("COMMIT") || sc.keyword("ROLLBACK") ||
      sc.keyword("XA") || sc.keyword("SAVEPOINT") || sc.keyword("RELEASE")) {
    st.transaction_control = true;
    return st;
  }
  if (sc.keyword("START")) {
    st.transaction_control = sc.keyword("TRANSACTION");
    return st;
  }
  if (sc.keyword("CREATE")) {
    if (sc.keyword("OR")) (void)sc.keyword("REPLACE");
    (void)(sc.keyword("TEMPORARY"));
    if (sc.keyword("TABLE")) {
      if (sc.keyword("IF")) (void)(sc.keyword("NOT") && sc.keyword("EXISTS"));
      st.type = StatementType::kCreate;
      sc.table_name(st);
      return st;
    }
    if (sc.keyword("DATABASE") || sc.keyword("SCHEMA")) {
      if (sc.keyword("IF")) (void)(sc.keyword("NOT") && sc.keyword("EXISTS"));
      st.type = StatementType::kCreate;
      st.schema = sc.identifier();
      return st;
    }
    (void)(sc.keyword("UNIQUE") || sc.keyword("FULLTEXT") ||
           sc.keyword("SPATIAL"));
    if (sc.keyword("INDEX")) {
      (void)sc.identifier();
      if (sc.keyword("ON")) sc.table_name(st);
      st.type = StatementType::kCreateIndex;
    }
    return st;
  }
  if (sc.keyword("ALTER")) {
    (void)(sc.keyword("ONLINE") || sc.keyword("IGNORE"));
    if (sc.keyword("TABLE")) {
      st.type = StatementType::kAlter;
      sc.table_name(st);
    }
    return st;
  }
  if (sc.keyword("DROP")) {
    (void)sc.keyword("TEMPORARY");
    if (sc.keyword("TABLE")) {
      if (sc.keyword("IF")) (void)sc.keyword("EXISTS");
      st.type = StatementType::kErase;
      sc.table_name(st);
    } else if (sc.keyword("DATABASE") || sc.keyword("SCHEMA")) {
      if (sc.keyword("IF")) (void)sc.keyword("EXISTS");
      st.type = StatementType::kErase;
      st.schema = sc.identifier();
    } else if (sc.keyword("INDEX")) {
      (void)sc.identifier();
      if (sc.keyword("ON")) sc.table_name(st);
      st.type = StatementType::kDropIndex;
    }
    return st;
  }
  if (sc.keyword("TRUNCATE")) {
    (void)sc.keyword("TABLE");
    st.type = StatementType::kTruncate;
    sc.table_name(st);
    return st;
  }
  if (sc.keyword("RENAME") && sc.keyword("TABLE")) {
    st.type = StatementType::kRename;
    sc.table_name(st);
  }
  return st;
}

}  // namespace sluice::pipeline
