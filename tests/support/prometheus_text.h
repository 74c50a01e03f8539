// A strict reader of the Prometheus text exposition format 0.0.4, for
// tests of sluice's /metrics: `# HELP` and `# TYPE` lines, and samples
// `name{label="value",...} value`. Anything else is an error naming the
// line, so a test that parses the page checks that it is well formed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::test {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct MetricsPage {
  std::vector<Sample> samples;
  std::map<std::string, std::string> types;  // family name -> type

  // The value of the one sample named `name` whose labels include
  // `labels`; nullopt when none or several match.
  [[nodiscard]] std::optional<double> value(
      std::string_view name,
      const std::map<std::string, std::string>& labels = {}) const;
};

// The page, or the first malformed line in `error`.
[[nodiscard]] std::optional<MetricsPage> parse_metrics(std::string_view text,
                                                       std::string* error);

}  // namespace sluice::test
