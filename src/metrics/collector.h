// The metrics of every destination of one `sluice run`, in Prometheus'
// data model (DESIGN §7): canal's names where they mean the same thing
// here, so existing canal dashboards keep working (canal's client writes
// counters without a `_total` suffix, and so does this), and sluice_*
// names for the rest.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "metrics/destination_stats.h"

namespace sluice::metrics {

class Collector : public prometheus::Collectable {
 public:
  // `now_ms`: wall-clock milliseconds since the epoch (for lag).
  explicit Collector(std::function<int64_t()> now_ms);

  void add(std::shared_ptr<const DestinationStats> stats);

  [[nodiscard]] std::vector<prometheus::MetricFamily> Collect() const override;

  // Ready: this node leads at least one destination and publishes all it
  // leads. `detail` gets a line per destination saying what it is doing.
  [[nodiscard]] bool ready(std::string* detail) const;

 private:
  std::function<int64_t()> now_ms_;
  std::vector<std::shared_ptr<const DestinationStats>> stats_;
};

}  // namespace sluice::metrics
