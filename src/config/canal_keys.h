// The catalogue of canal's configuration keys (reference/canal-contract.md
// §3-§4) as sluice sees them, internal to src/config: the keys sluice reads,
// in which file, and the legitimate canal keys it does without, each with
// the reason an operator is told. Used to classify the keys no reader asked
// for: unused canal keys become notes, unknown ones warnings with the
// closest known key as a suggestion.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/canal_config.h"

namespace sluice::config {

// The file a key sluice reads belongs in.
enum class KeyScope {
  kServer,    // canal.properties only
  kInstance,  // instance.properties, or canal.properties as the default
};

// The scope of a key sluice reads (an exact key, or one under a prefix such
// as `kafka.`), or nullopt.
[[nodiscard]] std::optional<KeyScope> read_key_scope(std::string_view key);

// A canal key sluice accepts but does not use.
struct UnusedKey {
  std::string_view key;     // the key, or a prefix ending in '.'
  std::string_view reason;  // for "not used by sluice (<reason>)"
  // When not empty, a value of `true` changes what canal publishes in a way
  // sluice does not reproduce: a Problem with this message instead of a note.
  std::string_view if_true;
  Problem::Severity if_true_severity = Problem::Severity::kWarning;
};

// The catalogue entry for `key` (exact keys before the longest prefix), or
// nullptr.
[[nodiscard]] const UnusedKey* unused_key(std::string_view key);

// The known key closest to `key` within an edit distance of 2, or "".
[[nodiscard]] std::string closest_key(std::string_view key);

// Levenshtein distance, stopping early once it exceeds `limit` (then any
// value above `limit` is returned).
[[nodiscard]] size_t edit_distance(std::string_view a, std::string_view b,
                                   size_t limit);

}  // namespace sluice::config
