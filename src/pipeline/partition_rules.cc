#include "pipeline/partition_rules.h"

#include <cstring>
#include <limits>
#include <utility>

#include "common/text.h"
#include "pipeline/canal_regex.h"

namespace sluice::pipeline {
namespace {

constexpr uint32_t pow31(int k) {
  uint32_t r = 1;
  for (int i = 0; i < k; ++i) r *= 31;
  return r;
}

constexpr uint32_t kReplacement = 0xFFFD;

[[nodiscard]] bool is_continuation(unsigned char b) {
  return (b & 0xC0) == 0x80;
}

[[nodiscard]] bool is_surrogate(uint32_t c) {
  return c >= 0xD800 && c <= 0xDFFF;
}

// Hashes the one UTF-8 sequence (valid or not) that starts at p[i] >= 0x80
// into `h` and returns the index after it. The decisions copy Java's
// `new String(bytes, UTF_8)` (String.decodeUTF8_UTF16, checked against
// JDK 17): one U+FFFD per maximal ill-formed subpart, except that an
// encoded surrogate (ED A0..BF xx) is one U+FFFD for all three bytes and an
// incomplete sequence at the end is one U+FFFD for the rest of the input.
[[nodiscard]] size_t hash_sequence(const unsigned char* p, size_t n, size_t i,
                                   uint32_t& h) {
  const auto emit = [&h](uint32_t unit) { h = h * 31 + unit; };
  const unsigned char b1 = p[i];
  const size_t left = n - i - 1;  // bytes after b1
  if (b1 >= 0xC2 && b1 <= 0xDF) {
    if (left == 0) {
      emit(kReplacement);
      return n;
    }
    const unsigned char b2 = p[i + 1];
    if (!is_continuation(b2)) {
      emit(kReplacement);
      return i + 1;
    }
    emit((uint32_t{b1} & 0x1F) << 6 | (b2 & 0x3Fu));
    return i + 2;
  }
  if (b1 >= 0xE0 && b1 <= 0xEF) {
    // Bad second byte: a non-continuation, or an overlong E0 80..9F.
    const auto bad_second = [b1](unsigned char b2) {
      return (b1 == 0xE0 && (b2 & 0xE0) == 0x80) || !is_continuation(b2);
    };
    if (left < 2) {
      if (left == 1 && bad_second(p[i + 1])) {
        emit(kReplacement);
        return i + 1;
      }
      emit(kReplacement);
      return n;
    }
    const unsigned char b2 = p[i + 1];
    const unsigned char b3 = p[i + 2];
    if (bad_second(b2)) {
      emit(kReplacement);
      return i + 1;
    }
    if (!is_continuation(b3)) {
      emit(kReplacement);
      return i + 2;
    }
    const uint32_t c =
        (uint32_t{b1} & 0x0F) << 12 | (b2 & 0x3Fu) << 6 | (b3 & 0x3Fu);
    emit(is_surrogate(c) ? kReplacement : c);
    return i + 3;
  }
  if (b1 >= 0xF0 && b1 <= 0xF7) {
    // Bad second byte: a non-continuation, an overlong F0 80..8F, a code
    // point above U+10FFFF (F4 90..BF, or a lead above F4).
    const auto bad_second = [b1](unsigned char b2) {
      return b1 > 0xF4 || (b1 == 0xF0 && (b2 < 0x90 || b2 > 0xBF)) ||
             (b1 == 0xF4 && (b2 & 0xF0) != 0x80) || !is_continuation(b2);
    };
    if (left < 3) {
      if (b1 > 0xF4 || (left >= 1 && bad_second(p[i + 1]))) {
        emit(kReplacement);
        return i + 1;
      }
      emit(kReplacement);
      if (left == 2 && !is_continuation(p[i + 2])) return i + 2;
      return n;
    }
    const unsigned char b2 = p[i + 1];
    const unsigned char b3 = p[i + 2];
    const unsigned char b4 = p[i + 3];
    if (bad_second(b2)) {
      emit(kReplacement);
      return i + 1;
    }
    if (!is_continuation(b3)) {
      emit(kReplacement);
      return i + 2;
    }
    if (!is_continuation(b4)) {
      emit(kReplacement);
      return i + 3;
    }
    const uint32_t cp = (uint32_t{b1} & 0x07) << 18 | (b2 & 0x3Fu) << 12 |
                        (b3 & 0x3Fu) << 6 | (b4 & 0x3Fu);
    emit(0xD800 + ((cp - 0x10000) >> 10));
    emit(0xDC00 + (cp & 0x3FF));
    return i + 4;
  }
  // A continuation byte without a lead, C0, C1 or F8..FF.
  emit(kReplacement);
  return i + 1;
}

// canal's StringUtils.split(StringUtils.replace(v, ",", ";"), ";"): the
// pieces between ',' and ';', empty ones dropped, nothing trimmed.
[[nodiscard]] std::vector<std::string_view> canal_items(std::string_view v) {
  std::vector<std::string_view> items;
  size_t start = 0;
  while (start <= v.size()) {
    size_t end = v.find_first_of(",;", start);
    if (end == std::string_view::npos) end = v.size();
    if (end > start) items.push_back(v.substr(start, end - start));
    start = end + 1;
  }
  return items;
}

// canal's MQMessageUtils.isWildCard.
[[nodiscard]] bool is_wildcard(std::string_view text) {
  return text.find_first_of("*?+|(){}[]\\$^") != std::string_view::npos;
}

[[nodiscard]] Result<NamePattern> make_pattern(std::string_view text) {
  NamePattern pattern;
  pattern.text = std::string(text);
  pattern.is_regex = is_wildcard(text);
  if (pattern.is_regex) {
    SLUICE_ASSIGN_OR_RETURN(pattern.regex, compile_canal_regex(text));
  }
  return pattern;
}

// "<where>: <key> rule <index> "<item>": <what>".
[[nodiscard]] std::string rule_context(const std::string& where,
                                       std::string_view key, size_t index,
                                       std::string_view item) {
  std::string out = where;
  out += ": ";
  if (!key.empty()) {
    out += key;
    out += ' ';
  }
  out += "rule " + std::to_string(index) + " \"" + std::string(item) + "\": ";
  return out;
}

// Equal, ignoring ASCII case, to `schema + "." + table`.
[[nodiscard]] bool iequals_qualified(std::string_view text,
                                     std::string_view schema,
                                     std::string_view table) {
  return text.size() == schema.size() + 1 + table.size() &&
         text[schema.size()] == '.' &&
         iequals(text.substr(0, schema.size()), schema) &&
         iequals(text.substr(schema.size() + 1), table);
}

}  // namespace

int32_t java_string_hash(std::string_view utf8) {
  return java_string_hash_append(0, utf8);
}

int32_t java_string_hash_append(int32_t h, std::string_view utf8) {
  constexpr uint64_t kHighBits = 0x8080808080808080ull;
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const size_t n = utf8.size();
  auto acc = static_cast<uint32_t>(h);
  size_t i = 0;
  while (i < n) {
    // Eight ASCII bytes at a time: h*31^8 + c0*31^7 + ... + c7 keeps the
    // multiplications independent of each other.
    while (n - i >= 8) {
      uint64_t word;
      std::memcpy(&word, p + i, sizeof word);
      if ((word & kHighBits) != 0) break;
      acc = acc * pow31(8) + p[i] * pow31(7) + p[i + 1] * pow31(6) +
            p[i + 2] * pow31(5) + p[i + 3] * pow31(4) + p[i + 4] * pow31(3) +
            p[i + 5] * pow31(2) + p[i + 6] * pow31(1) + p[i + 7];
      i += 8;
    }
    while (i < n && p[i] < 0x80) acc = acc * 31 + p[i++];
    if (i < n) i = hash_sequence(p, n, i, acc);
  }
  return static_cast<int32_t>(acc);
}

int32_t canal_partition(int32_t h, int32_t n) {
  // Java's Math.abs(Integer.MIN_VALUE) is Integer.MIN_VALUE; negating it in
  // C++ would overflow. % truncates toward zero in both languages.
  const int32_t a =
      h == std::numeric_limits<int32_t>::min() ? h : (h < 0 ? -h : h);
  const int32_t r = a % n;
  return r < 0 ? -r : r;
}

bool NamePattern::matches(std::string_view name) const {
  if (!is_regex) return iequals(text, name);
  if (name.empty()) return true;
  // canal lower-cases the target and compiles case-insensitively; the icase
  // regex alone gives the same verdict without a copy.
  return std::regex_match(name.begin(), name.end(), *regex);
}

Result<PartitionRules> PartitionRules::parse(std::string_view value,
                                             const std::string& where) {
  PartitionRules out;
  const std::vector<std::string_view> items = canal_items(value);
  for (size_t k = 0; k < items.size(); ++k) {
    const std::string_view item = items[k];
    PartitionRule rule;
    rule.index = k + 1;
    rule.text = std::string(item);
    std::string_view name = item;
    const size_t colon = item.rfind(':');
    if (colon != std::string_view::npos && colon > 0) {
      name = item.substr(0, colon);
      const std::string_view keys = item.substr(colon + 1);
      if (iequals(keys, "$pk$")) {
        rule.mode = PartitionRule::Mode::kPrimaryKey;
      } else {
        rule.mode = PartitionRule::Mode::kColumns;
        for (const std::string_view column : split(keys, '^')) {
          if (!column.empty()) rule.columns.emplace_back(column);
        }
        if (rule.columns.empty()) {
          return make_error(
              Errc::kUsage,
              rule_context(where, "", rule.index, item) +
                  "no column after ':' (write name:col1^col2 for columns, "
                  "name:$pk$ for the primary key, or the name alone to hash "
                  "the table name)");
        }
      }
    }
    auto pattern = make_pattern(name);
    if (!pattern) {
      return make_error(
          Errc::kUsage,
          rule_context(where, "", rule.index, item) + pattern.error().message);
    }
    rule.name = std::move(*pattern);
    out.rules_.push_back(std::move(rule));
  }
  return out;
}

const PartitionRule* PartitionRules::match(std::string_view schema,
                                           std::string_view table) const {
  std::string qualified;  // built on the first regex rule
  for (const PartitionRule& rule : rules_) {
    if (!rule.name.is_regex) {
      if (iequals_qualified(rule.name.text, schema, table)) return &rule;
      continue;
    }
    if (qualified.empty()) {
      qualified.reserve(schema.size() + 1 + table.size());
      qualified.append(schema).append(1, '.').append(table);
    }
    if (rule.name.matches(qualified)) return &rule;
  }
  return nullptr;
}

std::string never_matching_reason(const PartitionRule& rule) {
  const std::string& name = rule.name.text;
  const std::string prefix =
      "rule " + std::to_string(rule.index) + " \"" + rule.text + "\": ";
  if (!name.empty() && (is_space(name.front()) || is_space(name.back()))) {
    return prefix + "the name \"" + name +
           "\" starts or ends with whitespace, which canal keeps, so it never "
           "matches a table; remove the whitespace";
  }
  if (!rule.name.is_regex && name.find('.') == std::string::npos) {
    return prefix + "the name \"" + name +
           "\" has no '.': canal compares a plain name with \"schema.table\", "
           "so this rule never matches and the table's changes all go to "
           "partition 0; write \"<schema>." +
           name + "\" or a regex such as \".*\\\\." + name + "\"";
  }
  return "";
}

Result<DynamicTopics> DynamicTopics::parse(std::string_view dynamic_topic,
                                           std::string_view partition_nums,
                                           const std::string& where) {
  constexpr std::string_view kTopicKey = "canal.mq.dynamicTopic";
  constexpr std::string_view kCountKey = "canal.mq.dynamicTopicPartitionNum";
  DynamicTopics out;
  out.routing_ = !dynamic_topic.empty();

  const std::vector<std::string_view> items = canal_items(dynamic_topic);
  for (size_t k = 0; k < items.size(); ++k) {
    const std::string_view item = items[k];
    Rule rule;
    std::string_view expr = item;
    // canal splits a dynamicTopic item at its first ':' (partitionHash and
    // dynamicTopicPartitionNum at their last).
    const size_t colon = item.find(':');
    if (colon != std::string_view::npos) {
      rule.topic = std::string(trim(item.substr(0, colon)));
      expr = trim(item.substr(colon + 1));
      if (rule.topic.empty()) {
        return make_error(Errc::kUsage,
                          rule_context(where, kTopicKey, k + 1, item) +
                              "no topic before ':' (write topic:expr, or expr "
                              "alone to name the topic after the table)");
      }
    }
    auto pattern = make_pattern(expr);
    if (!pattern) {
      return make_error(Errc::kUsage,
                        rule_context(where, kTopicKey, k + 1, item) +
                            pattern.error().message);
    }
    rule.pattern = std::move(*pattern);
    rule.regex_on_table =
        rule.pattern.is_regex && expr.find("\\.") != std::string_view::npos;
    out.rules_.push_back(std::move(rule));
  }

  const std::vector<std::string_view> counts = canal_items(partition_nums);
  for (size_t k = 0; k < counts.size(); ++k) {
    const std::string_view item = counts[k];
    const size_t colon = item.rfind(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    PartitionCount count;
    auto pattern = make_pattern(item.substr(0, colon));
    if (!pattern) {
      return make_error(Errc::kUsage,
                        rule_context(where, kCountKey, k + 1, item) +
                            pattern.error().message);
    }
    count.topic = std::move(*pattern);
    // canal takes `n` when StringUtils.isNumeric (digits only, no sign);
    // Integer.valueOf then throws on overflow, on every send.
    const std::string_view digits = item.substr(colon + 1);
    const bool numeric =
        !digits.empty() &&
        digits.find_first_not_of("0123456789") == std::string_view::npos;
    if (numeric) {
      int32_t n = 0;
      if (!parse_number(digits, n) || n == 0) {
        return make_error(Errc::kUsage,
                          rule_context(where, kCountKey, k + 1, item) +
                              "the partition count must be from 1 to "
                              "2147483647");
      }
      count.count = n;
    }
    out.counts_.push_back(std::move(count));
  }
  return out;
}

const DynamicTopics::Rule* DynamicTopics::first_match(
    std::string_view name) const {
  const bool dotted = name.find('.') != std::string_view::npos;
  for (const Rule& rule : rules_) {
    if (rule.pattern.is_regex && rule.regex_on_table != dotted) continue;
    if (rule.pattern.matches(name)) return &rule;
  }
  return nullptr;
}

std::string DynamicTopics::topic_for(std::string_view schema,
                                     std::string_view table,
                                     std::string_view default_topic) const {
  if (!routing_) return std::string(default_topic);
  std::string topic(default_topic);
  if (!schema.empty() && !table.empty()) {
    std::string name;
    name.reserve(schema.size() + 1 + table.size());
    name.append(schema).append(1, '.').append(table);
    const Rule* rule = first_match(name);
    if (rule == nullptr) {
      name.assign(schema);
      rule = first_match(name);
    }
    if (rule != nullptr) {
      topic = rule->topic.empty() ? ascii_lower(name) : rule->topic;
    }
  }
  // CanalKafkaProducer.send names every topic of a routed batch this way.
  for (char& c : topic) {
    if (c == '.') c = '_';
  }
  return topic;
}

int32_t DynamicTopics::partitions_for(std::string_view topic,
                                      int32_t fallback) const {
  for (const PartitionCount& count : counts_) {
    if (count.topic.matches(topic)) return count.count.value_or(fallback);
  }
  return fallback;
}

}  // namespace sluice::pipeline
