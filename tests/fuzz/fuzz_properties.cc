// canal's .properties files: any bytes parse or fail cleanly, and every
// value's placeholders expand or fail cleanly.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/properties.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace c = sluice::config;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto file = c::parse_properties(text, "fuzz.properties");
  if (!file) return 0;
  const c::PlaceholderLookup lookup =
      [&](std::string_view name) -> std::optional<std::string> {
    if (const c::Property* p = file->find(name)) return p->value;
    return std::nullopt;
  };
  for (const c::Property& p : file->entries)
    (void)c::expand_placeholders(p.value, lookup, p.key);
  return 0;
}
