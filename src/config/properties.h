// Java .properties files as java.util.Properties.load reads them, the format
// of canal.properties and <destination>/instance.properties: logical lines
// joined across backslash-newline (leading blanks of the next line dropped),
// '#' and '!' comments, key and value split at the first unescaped '=', ':'
// or blank, escapes \t \n \r \f \uXXXX and backslash-anything-else as that
// character (so the regex `test\\..*` in a file is `test\..*`). Bytes are
// kept as they are (canal's files are UTF-8 in practice; Java 8 would read
// ISO-8859-1). Placeholders `${name}` and `${name:default}`, which canal's
// Spring wiring resolves, are expanded on demand by expand_placeholders.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace sluice::config {

struct Property {
  std::string key;
  std::string value;
  size_t line = 0;  // 1-based line where the entry starts
};

struct PropertiesFile {
  std::string path;               // for messages
  std::vector<Property> entries;  // in file order; a repeated key repeats

  // The last entry for `key` (as Properties keeps), or nullptr.
  [[nodiscard]] const Property* find(std::string_view key) const;
};

// Parses the text of a file; `path` names it in messages. kUsage errors say
// "<path>:<line>: ..." (a malformed \uXXXX escape is the only syntax error
// the format has).
[[nodiscard]] Result<PropertiesFile> parse_properties(std::string_view text,
                                                      std::string path);

// Reads and parses a file; kIo when it cannot be read.
[[nodiscard]] Result<PropertiesFile> read_properties(const std::string& path);

// Where placeholders come from: another property, else the environment.
using PlaceholderLookup =
    std::function<std::optional<std::string>(std::string_view name)>;

// Replaces every `${name}` / `${name:default}` in `value`, also inside
// what a lookup returns (at most 16 levels deep, so a cycle is an error).
// An unknown name without a default is kUsage naming it; `where` (e.g.
// "conf/canal.properties:12: canal.mq.servers") prefixes messages.
[[nodiscard]] Result<std::string> expand_placeholders(
    std::string_view value, const PlaceholderLookup& lookup,
    const std::string& where);

}  // namespace sluice::config
