#include "config/settings_reader.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <utility>

#include "common/text.h"

namespace sluice::config {

void Diagnostics::add_file(const std::string& path) {
  if (std::find(files_.begin(), files_.end(), path) == files_.end()) {
    files_.push_back(path);
  }
}

void Diagnostics::add(Problem::Severity severity, Origin origin,
                      std::string message) {
  const std::string where = origin.text();
  const bool seen =
      std::any_of(problems_.begin(), problems_.end(), [&](const Problem& p) {
        return p.severity == severity && p.message == message &&
               p.origin.text() == where;
      });
  if (!seen) {
    problems_.push_back(
        Problem{severity, std::move(origin), std::move(message)});
  }
}

void Diagnostics::error(Origin origin, std::string message) {
  add(Problem::Severity::kError, std::move(origin), std::move(message));
}

void Diagnostics::warning(Origin origin, std::string message) {
  add(Problem::Severity::kWarning, std::move(origin), std::move(message));
}

void Diagnostics::unused(const Origin& origin, std::string_view reason) {
  const bool seen =
      std::any_of(notes_.begin(), notes_.end(), [&](const Note& n) {
        return n.origin.file == origin.file && n.origin.key == origin.key &&
               n.origin.line == origin.line && n.reason == reason;
      });
  if (!seen) notes_.push_back(Note{origin, std::string(reason)});
}

std::pair<size_t, size_t> Diagnostics::rank(const Origin& origin) const {
  const auto file = std::find(files_.begin(), files_.end(), origin.file);
  return {static_cast<size_t>(file - files_.begin()), origin.line};
}

void Diagnostics::finish(std::vector<Problem>& problems,
                         std::vector<std::string>& notes) {
  std::stable_sort(
      problems_.begin(), problems_.end(),
      [this](const Problem& a, const Problem& b) {
        const bool a_error = a.severity == Problem::Severity::kError;
        const bool b_error = b.severity == Problem::Severity::kError;
        if (a_error != b_error) return a_error;
        return rank(a.origin) < rank(b.origin);
      });
  std::stable_sort(notes_.begin(), notes_.end(),
                   [this](const Note& a, const Note& b) {
                     return rank(a.origin) < rank(b.origin);
                   });
  problems = std::move(problems_);
  // One line per (file, reason), placed where its first key is; the keys
  // follow in line order since notes_ is sorted.
  notes.clear();
  std::vector<std::pair<const Note*, size_t>> groups;  // first note, index
  for (const Note& n : notes_) {
    const auto group =
        std::find_if(groups.begin(), groups.end(), [&](const auto& g) {
          return g.first->origin.file == n.origin.file &&
                 g.first->reason == n.reason;
        });
    std::string key = n.origin.key;
    if (n.origin.line != 0)
      key += " (line " + std::to_string(n.origin.line) + ")";
    if (group != groups.end()) {
      notes[group->second] += ", " + key;
      continue;
    }
    std::string head =
        n.origin.file.empty() ? std::string() : n.origin.file + ": ";
    groups.emplace_back(&n, notes.size());
    notes.push_back(head + "not used by sluice (" + n.reason + "): " + key);
  }
  problems_.clear();
  notes_.clear();
}

SettingsReader::SettingsReader(PropertiesFile file,
                               const SettingsReader* fallback,
                               std::string destination,
                               Diagnostics& diagnostics)
    : file_(std::move(file)),
      fallback_(fallback),
      destination_(std::move(destination)),
      diagnostics_(diagnostics) {
  diagnostics_.add_file(file_.path);
  entries_.reserve(file_.entries.size());
  for (const Property& p : file_.entries)
    entries_.push_back(SettingEntry{&p, false});
  report_repeated_keys();
}

Origin SettingsReader::origin(const SettingEntry& entry) const {
  return Origin{file_.path, entry.property->line, entry.property->key};
}

Origin SettingsReader::missing(std::string_view key) const {
  return Origin{file_.path, 0, std::string(key)};
}

const SettingEntry* SettingsReader::find(std::string_view key) const {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->property->key == key) return &*it;
  }
  return nullptr;
}

void SettingsReader::mark_read(std::string_view key) {
  for (SettingEntry& e : entries_) {
    if (e.property->key == key) e.read = true;
  }
}

std::optional<std::string> SettingsReader::placeholder(
    std::string_view name) const {
  if (const SettingEntry* e = find(name)) return e->property->value;
  if (fallback_ != nullptr) {
    if (const SettingEntry* e = fallback_->find(name))
      return e->property->value;
  }
  if (!destination_.empty() && name == "canal.instance.destination") {
    return destination_;
  }
  if (const char* env = std::getenv(std::string(name).c_str())) {
    return std::string(env);
  }
  return std::nullopt;
}

std::optional<std::string> SettingsReader::expand_value(std::string_view raw,
                                                        const Origin& where,
                                                        bool trim_blanks) {
  const std::string prefix = where.text();
  auto expanded = expand_placeholders(
      raw, [this](std::string_view name) { return placeholder(name); }, prefix);
  if (!expanded) {
    std::string message = std::move(expanded.error().message);
    if (message.rfind(prefix + ": ", 0) == 0) {
      message.erase(0, prefix.size() + 2);
    }
    diagnostics_.error(where, std::move(message));
    return std::nullopt;
  }
  if (!trim_blanks) return std::move(*expanded);
  return std::string(trim(*expanded));
}

std::optional<std::string> SettingsReader::expand(const SettingEntry& entry) {
  return expand_value(entry.property->value, origin(entry), true);
}

std::optional<Setting<std::string>> SettingsReader::lookup(std::string_view key,
                                                           bool trim_blanks) {
  const SettingEntry* entry = find(key);
  const SettingsReader* owner = this;
  if (entry != nullptr) {
    mark_read(key);
  } else if (fallback_ != nullptr) {
    entry = fallback_->find(key);
    owner = fallback_;
  }
  if (entry == nullptr || trim(entry->property->value).empty()) {
    return std::nullopt;
  }
  Origin where = owner->origin(*entry);
  std::optional<std::string> value =
      expand_value(entry->property->value, where, trim_blanks);
  if (!value || trim(*value).empty()) return std::nullopt;
  return Setting<std::string>{std::move(*value), std::move(where)};
}

std::optional<Setting<std::string>> SettingsReader::text(std::string_view key) {
  return lookup(key, true);
}

std::optional<Setting<std::string>> SettingsReader::verbatim(
    std::string_view key) {
  return lookup(key, false);
}

std::optional<Setting<bool>> SettingsReader::boolean(std::string_view key) {
  auto s = text(key);
  if (!s) return std::nullopt;
  if (iequals(s->value, "true")) return Setting<bool>{true, s->origin};
  if (iequals(s->value, "false")) return Setting<bool>{false, s->origin};
  diagnostics_.error(s->origin,
                     "expected true or false, got `" + s->value +
                         "` (canal would read it as false; sluice does not "
                         "guess)");
  return std::nullopt;
}

std::optional<Setting<int64_t>> SettingsReader::integer(std::string_view key,
                                                        int64_t min,
                                                        int64_t max) {
  auto s = text(key);
  if (!s) return std::nullopt;
  int64_t v = 0;
  if (!parse_number(s->value, v) || v < min || v > max) {
    diagnostics_.error(s->origin, range_message(s->value, min, max));
    return std::nullopt;
  }
  return Setting<int64_t>{v, s->origin};
}

std::optional<Setting<uint64_t>> SettingsReader::unsigned_integer(
    std::string_view key, uint64_t min, uint64_t max) {
  auto s = text(key);
  if (!s) return std::nullopt;
  uint64_t v = 0;
  if (!parse_number(s->value, v) || v < min || v > max) {
    diagnostics_.error(s->origin, range_message(s->value, min, max));
    return std::nullopt;
  }
  return Setting<uint64_t>{v, s->origin};
}

void SettingsReader::report_repeated_keys() {
  std::map<std::string_view, size_t> first_line;
  for (const SettingEntry& e : entries_) {
    const auto [it, inserted] =
        first_line.emplace(e.property->key, e.property->line);
    if (!inserted) {
      diagnostics_.warning(origin(e),
                           "also set on line " + std::to_string(it->second) +
                               "; the last value (this line) is the one used");
    }
  }
}

}  // namespace sluice::config
