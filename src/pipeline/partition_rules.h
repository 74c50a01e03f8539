// canal's routing rules (reference/canal-contract.md §3, DESIGN §4):
// `canal.mq.partitionHash` (which key columns choose a row's partition),
// `canal.mq.dynamicTopic` (which topic a table's changes go to) and
// `canal.mq.dynamicTopicPartitionNum`, parsed and matched as canal's
// MQMessageUtils does (1.1.5+ semantics: first matching rule wins), plus
// Java's String.hashCode and canal's partition arithmetic.
#pragma once

#include <cstdint>
#include <optional>
#include <regex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace sluice::pipeline {

// Java String.hashCode of UTF-8 text: h = 31*h + c over its UTF-16 code
// units (a code point above U+FFFF counts as its surrogate pair), with
// 32-bit wrap-around. Ill-formed UTF-8 counts as the U+FFFDs that Java's
// `new String(bytes, UTF_8)` puts in its place. Allocates nothing; ASCII
// runs take a fast path (it runs once per key value per row).
[[nodiscard]] int32_t java_string_hash(std::string_view utf8);

// Continues a hash over more text, as if `utf8` were appended to the
// string whose hash is `h` (exact when the split is between code points).
[[nodiscard]] int32_t java_string_hash_append(int32_t h, std::string_view utf8);

// canal's `Math.abs(Math.abs(h) % n)`, with Java's int semantics
// (abs(INT_MIN) stays INT_MIN). `n` > 0.
[[nodiscard]] int32_t canal_partition(int32_t h, int32_t n);

// A name part of a rule: a plain name compared case-insensitively, or a
// regex matched in full, case-insensitively (canal's wildcard test: the
// text contains one of * ? + | ( ) { } [ ] \ $ ^). The text is used as
// written: canal trims neither rules nor their names.
struct NamePattern {
  std::string text;
  bool is_regex = false;
  std::optional<std::regex> regex;  // when is_regex

  // As canal's AviaterRegexFilter, a regex accepts an empty `name`.
  [[nodiscard]] bool matches(std::string_view name) const;
};

struct PartitionRule {
  enum class Mode {
    kTableHash,   // `name` alone: hash of the table name, whole message
    kPrimaryKey,  // `name:$pk$`: the table's primary key columns
    kColumns,     // `name:c1^c2`: these columns, in this order
  };
  NamePattern name;  // compared with `schema.table`
  Mode mode = Mode::kTableHash;
  // kColumns only, as written (canal's flat path looks them up by exact
  // name, its protobuf path case-insensitively).
  std::vector<std::string> columns;
  size_t index = 0;  // 1-based position in the value
  std::string text;  // the rule as written, for messages
};

class PartitionRules {
 public:
  PartitionRules() = default;

  // Parses a canal.mq.partitionHash value: ',' and ';' separate rules
  // (empty ones skipped), each split at its last ':' when that is not its
  // first character; no such ':' means kTableHash. `where` (e.g.
  // "conf/test/instance.properties:14: canal.mq.partitionHash") prefixes
  // kUsage errors (an invalid regex, an empty column list).
  [[nodiscard]] static Result<PartitionRules> parse(std::string_view value,
                                                    const std::string& where);

  // The first rule whose name matches `schema.table`, or nullptr (canal
  // then sends the change to partition 0). Evaluates regexes: callers
  // cache the answer per table.
  [[nodiscard]] const PartitionRule* match(std::string_view schema,
                                           std::string_view table) const;

  [[nodiscard]] bool empty() const { return rules_.empty(); }
  [[nodiscard]] std::span<const PartitionRule> rules() const { return rules_; }

 private:
  std::vector<PartitionRule> rules_;
};

// Why a rule can never match any table, or "" when it might: a plain name
// without a '.' is compared with `schema.table` and so never equal (the
// classic `commission:id` for `test.commission:id`); a name that starts or
// ends with whitespace is compared as written. The text names the rule.
[[nodiscard]] std::string never_matching_reason(const PartitionRule& rule);

class DynamicTopics {
 public:
  DynamicTopics() = default;

  // Parses canal.mq.dynamicTopic (`topic:expr` split at the first ':',
  // both sides trimmed, or bare `expr` as written; separated by ',' or ';')
  // and canal.mq.dynamicTopicPartitionNum (`topic:n`, split at the last
  // ':'; an item without one is ignored and a non-numeric `n` falls back to
  // partitionsNum, as in canal). kUsage errors, prefixed by `where` and
  // naming the key and the rule: an invalid regex, an empty topic before
  // ':', a count of 0 or above 2147483647.
  [[nodiscard]] static Result<DynamicTopics> parse(
      std::string_view dynamic_topic, std::string_view partition_nums,
      const std::string& where);

  // The Kafka topic of a table's changes, as canal's messageTopics picks it
  // and its producer then names it: the first rule matching `schema.table`,
  // else the first matching `schema`, else `default_topic`; every result
  // (the default too) with '.' replaced by '_'. An empty schema or table
  // gets the default. When empty(), `default_topic` unchanged. Evaluates
  // regexes: callers cache the answer per table.
  [[nodiscard]] std::string topic_for(std::string_view schema,
                                      std::string_view table,
                                      std::string_view default_topic) const;

  // Partition count of `topic` (the name topic_for returned, or
  // canal.mq.topic without dynamic topics) from the first matching
  // dynamicTopicPartitionNum rule, else `fallback` (canal.mq.partitionsNum).
  [[nodiscard]] int32_t partitions_for(std::string_view topic,
                                       int32_t fallback) const;

  // True when canal.mq.dynamicTopic is empty: canal then sends everything
  // to canal.mq.topic, unchanged.
  [[nodiscard]] bool empty() const { return !routing_; }

 private:
  struct Rule {
    std::string topic;  // "" = derived from the matched name
    NamePattern pattern;
    // A regex containing `\.` is tried only on names with a '.' (so on
    // `schema.table`), any other regex only on names without one (`schema`);
    // a plain name on both.
    bool regex_on_table = false;
  };
  struct PartitionCount {
    NamePattern topic;
    std::optional<int32_t> count;  // none: `n` was not a number
  };
  [[nodiscard]] const Rule* first_match(std::string_view name) const;

  bool routing_ = false;
  std::vector<Rule> rules_;
  std::vector<PartitionCount> counts_;
};

}  // namespace sluice::pipeline
