// Load for the integration tests that stream test.commission (`tail`,
// `run`): multi-row inserts, updates and deletes from a seeded generator.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include "integration/mariadb_server.h"

namespace sluice::testing {

// A DATETIME(3) literal that varies with n.
std::string created(int n);

// Multi-row inserts, updates and deletes over test.commission.
class Writer {
 public:
  Writer(MariaDbServer& server, uint64_t seed, int64_t first_id)
      : server_(server), rng_(seed), next_id_(first_id), first_id_(first_id) {}

  // One multi-row INSERT of `rows` new ids.
  void insert(int rows);
  // One transaction: an update of `rows` consecutive ids and a delete of a
  // tenth as many elsewhere.
  void update_and_delete(int rows);
  // One UPDATE that moves `rows` consecutive ids to the next user and the
  // other biz_type.
  void move_rows(int rows);

 private:
  uint64_t pick(uint64_t n) { return rng_() % n; }
  // A random first id of `rows` consecutive ids written so far; nullopt
  // until more than `rows` have been written.
  std::optional<int64_t> range_start(int rows);

  MariaDbServer& server_;
  std::mt19937_64 rng_;
  int64_t next_id_;
  int64_t first_id_;
};

}  // namespace sluice::testing
