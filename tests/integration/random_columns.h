// The columns of the randomized all-types workload: for each, its SQL type, a
// generator of SQL literals, the SELECT expression that prints the stored
// value in a canonical form, and the function that prints a decoded binlog
// Value in that same form. Formats are normalised, values are not.
#pragma once

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "binlog/table_map.h"
#include "binlog/value.h"

namespace sluice::testing {

struct RandomColumn {
  std::string name;
  std::string sql_type;
  std::string select;  // expression over `name` for SELECT
  std::function<std::string(std::mt19937_64&)> literal;
  // Canonical text of a decoded non-null value.
  std::function<std::string(const binlog::ColumnDef&, const binlog::Value&)>
      canonical;
  bool approximate = false;  // FLOAT/DOUBLE: compared numerically
};

// Every column type the workload covers; column 0 is `id BIGINT PRIMARY KEY`.
std::vector<RandomColumn> random_columns();

// True when two canonical texts of an approximate column denote the same
// number within the precision the server prints.
bool approximately_equal(const std::string& a, const std::string& b);

}  // namespace sluice::testing
