#include "integration/commission_writer.h"

namespace sluice::testing {

std::string created(int n) {
  return "'2026-11-29 12:" + std::to_string(10 + n % 50) + ":" +
         std::to_string(10 + n % 49) + "." + std::to_string(100 + n % 900) +
         "'";
}

void Writer::insert(int rows) {
  std::string sql =
      "INSERT INTO test.commission (id, user_id, biz_type, amount, note, "
      "created) VALUES ";
  for (int i = 0; i < rows; ++i) {
    const int64_t id = next_id_++;
    sql += (i ? "," : "") + std::string("(") + std::to_string(id) + "," +
           std::to_string(pick(1000)) + ",'" + (pick(2) ? "order" : "invite") +
           "'," + std::to_string(pick(100000)) + "." +
           std::to_string(10 + pick(90)) + "," +
           (pick(4) == 0 ? "NULL" : "'n" + std::to_string(id) + "'") + "," +
           created(static_cast<int>(id)) + ")";
  }
  server_.execute(sql);
}

std::optional<int64_t> Writer::range_start(int rows) {
  const int64_t span = next_id_ - first_id_;
  if (span <= rows) return std::nullopt;  // pick(0) would divide by 0
  return first_id_ +
         static_cast<int64_t>(pick(static_cast<uint64_t>(span - rows)));
}

void Writer::update_and_delete(int rows) {
  const auto from = range_start(rows);
  const auto del = range_start(rows);
  if (!from || !del) return;
  server_.execute(
      "BEGIN; UPDATE test.commission SET amount = amount + 1.25, note = "
      "CONCAT('u', id) WHERE id BETWEEN " +
      std::to_string(*from) + " AND " + std::to_string(*from + rows - 1) +
      "; DELETE FROM test.commission WHERE id BETWEEN " + std::to_string(*del) +
      " AND " + std::to_string(*del + rows / 10) + "; COMMIT");
}

void Writer::move_rows(int rows) {
  const auto from = range_start(rows);
  if (!from) return;
  server_.execute(
      "UPDATE test.commission SET user_id = (user_id + 1) % 1000, biz_type = "
      "IF(biz_type = 'order', 'invite', 'order') WHERE id BETWEEN " +
      std::to_string(*from) + " AND " + std::to_string(*from + rows - 1));
}

}  // namespace sluice::testing
