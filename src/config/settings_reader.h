// Reading canal's .properties files key by key for load_canal_config
// (internal to src/config): each read expands placeholders, checks the
// value's type and range, records a Problem naming file:line:key when it
// cannot be used, and marks the entry as read so that the keys nobody read
// can be classified afterwards (canal_keys.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/canal_config.h"
#include "config/properties.h"

namespace sluice::config {

// The problems and notes of one load_canal_config call.
class Diagnostics {
 public:
  // Registers a file; problems and notes are listed in the order files were
  // registered, then by line.
  void add_file(const std::string& path);
  // Records a problem once (the same origin and message twice is one
  // problem: canal.properties is read again for each destination).
  void add(Problem::Severity severity, Origin origin, std::string message);
  void error(Origin origin, std::string message);
  void warning(Origin origin, std::string message);
  // Records that the key at `origin` is not used, and why (once per key
  // and file).
  void unused(const Origin& origin, std::string_view reason);

  // Moves the collected problems (errors first, then warnings, each in file
  // order) and notes out. The notes are one line per file and reason, in
  // file order: "<file>: not used by sluice (<reason>): <key> (line <n>),
  // ...", keys in line order.
  void finish(std::vector<Problem>& problems, std::vector<std::string>& notes);

 private:
  struct Note {
    Origin origin;
    std::string reason;
  };
  // (file rank, line): files in registration order, defaults last.
  [[nodiscard]] std::pair<size_t, size_t> rank(const Origin& origin) const;

  std::vector<std::string> files_;
  std::vector<Problem> problems_;
  std::vector<Note> notes_;
};

// A value read from a file, with where it came from.
template <class T>
struct Setting {
  T value;
  Origin origin;
};

// One entry of a file and whether a reader has looked at it.
struct SettingEntry {
  const Property* property = nullptr;
  bool read = false;
};

// One .properties file (canal.properties, or an instance.properties backed
// by canal.properties) read through typed accessors. An empty value is the
// same as an absent key. Borrows `fallback` and `diagnostics`, which must
// outlive it.
class SettingsReader {
 public:
  // `destination` ("" for canal.properties) is what
  // ${canal.instance.destination} stands for, as canal sets that system
  // property per instance.
  SettingsReader(PropertiesFile file, const SettingsReader* fallback,
                 std::string destination, Diagnostics& diagnostics);
  SettingsReader(const SettingsReader&) = delete;
  SettingsReader& operator=(const SettingsReader&) = delete;

  [[nodiscard]] const std::string& path() const { return file_.path; }
  [[nodiscard]] Diagnostics& diagnostics() { return diagnostics_; }
  [[nodiscard]] std::vector<SettingEntry>& entries() { return entries_; }

  // Where `entry` is: "<file>:<line>: <key>".
  [[nodiscard]] Origin origin(const SettingEntry& entry) const;
  // Where `key` would be in this file (no line): for a missing key.
  [[nodiscard]] Origin missing(std::string_view key) const;

  // The value of `entry` with placeholders expanded and blanks trimmed;
  // nullopt, with an error recorded, when a placeholder cannot be resolved.
  [[nodiscard]] std::optional<std::string> expand(const SettingEntry& entry);

  // The value of `key` from this file, else from the fallback; nullopt when
  // absent, empty or unresolvable. Marks the key read in this file.
  [[nodiscard]] std::optional<Setting<std::string>> text(std::string_view key);
  // As text(), but keeps leading and trailing blanks (passwords).
  [[nodiscard]] std::optional<Setting<std::string>> verbatim(
      std::string_view key);
  // true or false, in any case; anything else is an error.
  [[nodiscard]] std::optional<Setting<bool>> boolean(std::string_view key);
  // A whole number in [min, max]; anything else is an error naming the
  // range.
  [[nodiscard]] std::optional<Setting<int64_t>> integer(std::string_view key,
                                                        int64_t min,
                                                        int64_t max);
  [[nodiscard]] std::optional<Setting<uint64_t>> unsigned_integer(
      std::string_view key, uint64_t min, uint64_t max);

 private:
  // The last entry of `key` in this file, or nullptr.
  [[nodiscard]] const SettingEntry* find(std::string_view key) const;
  void mark_read(std::string_view key);
  [[nodiscard]] std::optional<Setting<std::string>> lookup(std::string_view key,
                                                           bool trim_blanks);
  // Placeholders resolve from this file, the fallback,
  // ${canal.instance.destination}, then the environment.
  [[nodiscard]] std::optional<std::string> placeholder(
      std::string_view name) const;
  [[nodiscard]] std::optional<std::string> expand_value(std::string_view raw,
                                                        const Origin& where,
                                                        bool trim_blanks);
  void report_repeated_keys();

  PropertiesFile file_;
  std::vector<SettingEntry> entries_;
  const SettingsReader* fallback_;
  std::string destination_;
  Diagnostics& diagnostics_;
};

// "expected a whole number from <min> to <max>, got `<text>`".
template <class T>
[[nodiscard]] std::string range_message(std::string_view text, T min, T max) {
  return "expected a whole number from " + std::to_string(min) + " to " +
         std::to_string(max) + ", got `" + std::string(text) + "`";
}

}  // namespace sluice::config
