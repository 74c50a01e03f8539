// MySQL binary JSON to text, and partial-update diffs parsed, printed and
// applied to a document (the first byte splits the input in two).
#include <cstddef>
#include <cstdint>
#include <string>

#include "binlog/json_binary.h"
#include "binlog/json_diff.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto* bytes = reinterpret_cast<const std::byte*>(data);
  std::string out;
  (void)sluice::binlog::json_binary_to_text({bytes, size}, out);
  if (size < 1) return 0;
  const size_t split = size > 1 ? data[0] % size : 0;
  const sluice::Bytes doc{bytes + 1, split > 0 ? split - 1 : 0};
  const sluice::Bytes diff{bytes + split + (split == 0 ? 1 : 0),
                           size - split - (split == 0 ? 1 : 0)};
  auto diffs = sluice::binlog::parse_json_diffs(diff);
  if (diffs) {
    out.clear();
    (void)sluice::binlog::json_diffs_to_text(*diffs, "@1", out);
    out.clear();
    (void)sluice::binlog::apply_json_diffs(doc, *diffs, out);
  }
  return 0;
}
