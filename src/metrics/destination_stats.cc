#include "metrics/destination_stats.h"

namespace sluice::metrics {

DestinationStats::DestinationStats(std::string destination)
    : destination_(std::move(destination)),
      commit_seconds_({0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1,
                       0.25, 0.5, 1, 2.5, 5, 10}),
      batch_rows_({1, 10, 100, 1'000, 10'000, 50'000, 100'000, 1'000'000}) {}

TableRows& DestinationStats::table(std::string_view schema,
                                   std::string_view table) {
  std::lock_guard lk(mu_);
  for (TableRows& t : tables_) {
    if (t.schema == schema && t.table == table) return t;
  }
  return tables_.emplace_back(std::string(schema), std::string(table));
}

std::vector<const TableRows*> DestinationStats::tables() const {
  std::lock_guard lk(mu_);
  std::vector<const TableRows*> out;
  out.reserve(tables_.size());
  for (const TableRows& t : tables_) out.push_back(&t);
  return out;
}

void DestinationStats::set_position(std::string_view file, uint64_t offset) {
  std::lock_guard lk(mu_);
  if (position_.file != file) position_.file.assign(file);
  position_.offset = offset;
}

BinlogPosition DestinationStats::position() const {
  std::lock_guard lk(mu_);
  return position_;
}

void DestinationStats::batch_committed(uint64_t rows, double seconds) {
  kafka_batches.fetch_add(1, std::memory_order_relaxed);
  commit_seconds_.Observe(seconds);
  batch_rows_.Observe(static_cast<double>(rows));
}

}  // namespace sluice::metrics
