// canal's routing rules: Java's String.hashCode over UTF-16 (valid and
// invalid UTF-8), canal's partition arithmetic, canal.mq.partitionHash
// parsing and matching, canal.mq.dynamicTopic naming and
// canal.mq.dynamicTopicPartitionNum. Expected hashes and partitions were
// computed with Java 17 (`new String(bytes, UTF_8).hashCode()`,
// `Math.abs(Math.abs(h) % n)`), as canal computes them.
#include "pipeline/partition_rules.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace sluice::pipeline {
namespace {

constexpr int32_t kIntMin = std::numeric_limits<int32_t>::min();
constexpr int32_t kIntMax = std::numeric_limits<int32_t>::max();

PartitionRules rules_of(std::string_view value) {
  auto rules = PartitionRules::parse(value, "instance.properties:1");
  INFO((rules ? std::string("ok") : rules.error().message));
  REQUIRE(rules.has_value());
  return *rules;
}

DynamicTopics topics_of(std::string_view dynamic_topic,
                        std::string_view partition_nums = "") {
  auto topics = DynamicTopics::parse(dynamic_topic, partition_nums,
                                     "instance.properties");
  INFO((topics ? std::string("ok") : topics.error().message));
  REQUIRE(topics.has_value());
  return *topics;
}

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (const int v : values) out.push_back(static_cast<char>(v));
  return out;
}

TEST_CASE("java_string_hash equals Java's String.hashCode", "[partition]") {
  CHECK(java_string_hash("") == 0);
  CHECK(java_string_hash("a") == 97);
  CHECK(java_string_hash("1") == 49);
  CHECK(java_string_hash("id") == 3355);
  CHECK(java_string_hash("test") == 3556498);
  CHECK(java_string_hash("commission") == 1018264811);
  CHECK(java_string_hash("test.commission") == 1930504135);
  // The classic collision and the classic Integer.MIN_VALUE.
  CHECK(java_string_hash("Aa") == 2112);
  CHECK(java_string_hash("BB") == 2112);
  CHECK(java_string_hash("polygenelubricants") == kIntMin);
  // U+00E9 is one UTF-16 unit, 233.
  CHECK(java_string_hash("\xC3\xA9") == 233);
  // U+1F600 is the surrogate pair D83D DE00: 0xD83D * 31 + 0xDE00.
  CHECK(java_string_hash("\xF0\x9F\x98\x80") == 1772899);
  // "café 中文 😀!" and "aé😀z".
  CHECK(java_string_hash("caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 "
                         "\xF0\x9F\x98\x80!") == 1628860887);
  CHECK(java_string_hash("a\xC3\xA9\xF0\x9F\x98\x80z") == 151482831);
}

TEST_CASE("long ASCII runs hash as one character at a time", "[partition]") {
  // A straightforward reference: h = 31*h + c with 32-bit wrap-around.
  const auto reference = [](std::string_view s) {
    uint32_t h = 0;
    for (const char c : s) h = h * 31 + static_cast<unsigned char>(c);
    return static_cast<int32_t>(h);
  };
  std::string text;
  for (int i = 0; i < 100; ++i) {
    text.push_back(static_cast<char>(' ' + (i * 37) % 95));
    CHECK(java_string_hash(text) == reference(text));
  }
  const std::string mixed = text.substr(0, 13) + "\xC3\xA9" + text.substr(13);
  CHECK(java_string_hash(mixed) ==
        java_string_hash_append(
            java_string_hash_append(java_string_hash(text.substr(0, 13)),
                                    "\xC3\xA9"),
            text.substr(13)));
}

TEST_CASE("invalid UTF-8 hashes as Java's decoder replaces it", "[partition]") {
  struct Case {
    std::string input;
    int32_t java;  // new String(input, UTF_8).hashCode()
  };
  const std::vector<Case> cases = {
      {bytes({0xFF}), 65533},                         // FFFD
      {bytes({0x80}), 65533},                         // lone continuation
      {bytes({0xC0, 0xAF}), 2097056},                 // FFFD FFFD (overlong)
      {bytes({0xC3, 0x41}), 2031588},                 // FFFD 'A'
      {bytes({0xC3}), 65533},                         // truncated at the end
      {bytes({0xE2, 0x82}), 65533},                   // one FFFD for the tail
      {bytes({0xE2, 0x82, 0x41}), 2031588},           // FFFD 'A'
      {bytes({0xE2, 0x41}), 2031588},                 // FFFD 'A'
      {bytes({0xED, 0xA0, 0x80}), 65533},             // a surrogate: one FFFD
      {bytes({0xE0, 0x80, 0x80}), 65074269},          // FFFD FFFD FFFD
      {bytes({0xF0, 0x9F, 0x98}), 65533},             // truncated emoji
      {bytes({0xF0, 0x9F, 0x98, 0x41}), 2031588},     // FFFD 'A'
      {bytes({0xF0, 0x9F, 0x41, 0x41}), 62979293},    // FFFD 'A' 'A'
      {bytes({0xF4, 0x90, 0x80, 0x80}), 2017367872},  // above U+10FFFF
      {bytes({0xF0, 0x80, 0x80, 0x80}), 2017367872},  // overlong
      {bytes({0xF5, 0x80, 0x80, 0x80}), 2017367872},
      {bytes({0x41, 0xFF, 0x42}), 2094054},  // 'A' FFFD 'B'
      {bytes({0xEF, 0xBF, 0xBD}), 65533},    // a real U+FFFD
  };
  for (const Case& c : cases) {
    INFO("case " << (&c - cases.data()));
    CHECK(java_string_hash(c.input) == c.java);
  }
}

TEST_CASE("java_string_hash_append continues a hash", "[partition]") {
  const std::string text =
      "test.commission \xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80 polygenelubricants";
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    // Only code point boundaries: a cut sequence would decode differently.
    if (cut < text.size() && (text[cut] & 0xC0) == 0x80) continue;
    INFO("cut at " << cut);
    CHECK(java_string_hash_append(java_string_hash(text.substr(0, cut)),
                                  text.substr(cut)) == java_string_hash(text));
  }
  CHECK(java_string_hash_append(0, "test") == java_string_hash("test"));
  CHECK(java_string_hash_append(-7, "") == -7);
}

TEST_CASE("canal_partition is Math.abs(Math.abs(h) % n)", "[partition]") {
  CHECK(canal_partition(0, 3) == 0);
  CHECK(canal_partition(7, 3) == 1);
  CHECK(canal_partition(-7, 3) == 1);
  CHECK(canal_partition(-7, 5) == 2);
  CHECK(canal_partition(-1, 10) == 1);
  CHECK(canal_partition(kIntMax, 7) == 1);
  CHECK(canal_partition(kIntMin + 1, 10) == 7);
  // Math.abs(MIN_VALUE) stays negative; % keeps the sign; abs fixes it.
  CHECK(canal_partition(kIntMin, 1) == 0);
  CHECK(canal_partition(kIntMin, 3) == 2);
  CHECK(canal_partition(kIntMin, 5) == 3);
  CHECK(canal_partition(kIntMin, 7) == 2);
  CHECK(canal_partition(kIntMin, 10) == 8);
  CHECK(canal_partition(java_string_hash("polygenelubricants"), 10) == 8);
}

TEST_CASE("partitionHash: schema.table:column", "[partition]") {
  const PartitionRules rules = rules_of("test.commission:id");
  REQUIRE(rules.rules().size() == 1);
  const PartitionRule& rule = rules.rules()[0];
  CHECK(rule.mode == PartitionRule::Mode::kColumns);
  CHECK(rule.columns == std::vector<std::string>{"id"});
  CHECK_FALSE(rule.name.is_regex);
  CHECK(rule.name.text == "test.commission");
  CHECK(rule.index == 1);
  CHECK(rule.text == "test.commission:id");
  CHECK(never_matching_reason(rule).empty());

  CHECK(rules.match("test", "commission") == &rule);
  CHECK(rules.match("TEST", "Commission") == &rule);
  CHECK(rules.match("test", "commission2") == nullptr);
  CHECK(rules.match("other", "commission") == nullptr);
  CHECK(rules.match("test.commission", "") == nullptr);
}

TEST_CASE("partitionHash: regex with $pk$", "[partition]") {
  // `.*\\..*:$pk$` in instance.properties.
  const PartitionRules rules = rules_of(R"(.*\..*:$pk$)");
  REQUIRE(rules.rules().size() == 1);
  const PartitionRule& rule = rules.rules()[0];
  CHECK(rule.mode == PartitionRule::Mode::kPrimaryKey);
  CHECK(rule.name.is_regex);
  CHECK(rule.name.text == R"(.*\..*)");
  CHECK(rules.match("test", "commission") == &rule);
  CHECK(rules.match("Shop", "Orders") == &rule);
  CHECK(never_matching_reason(rule).empty());

  CHECK(rules_of("a.b:$PK$").rules()[0].mode ==
        PartitionRule::Mode::kPrimaryKey);
  CHECK(rules_of("a.b:$Pk$").rules()[0].mode ==
        PartitionRule::Mode::kPrimaryKey);
}

TEST_CASE("partitionHash: several columns, table mode", "[partition]") {
  const PartitionRules columns = rules_of("db.t:id^name");
  CHECK(columns.rules()[0].mode == PartitionRule::Mode::kColumns);
  CHECK(columns.rules()[0].columns == std::vector<std::string>{"id", "name"});
  // canal's StringUtils.split drops empty pieces; names keep their case.
  CHECK(rules_of("db.t:^Id^^Name^").rules()[0].columns ==
        std::vector<std::string>{"Id", "Name"});

  const PartitionRules table = rules_of("db.t");
  CHECK(table.rules()[0].mode == PartitionRule::Mode::kTableHash);
  CHECK(table.rules()[0].columns.empty());
  CHECK(table.match("DB", "T") == &table.rules()[0]);

  // Split at the last ':'; a ':' first in the rule does not count.
  const PartitionRules last = rules_of("a.b:c:d");
  CHECK(last.rules()[0].name.text == "a.b:c");
  CHECK(last.rules()[0].columns == std::vector<std::string>{"d"});
  const PartitionRules leading = rules_of(":id");
  CHECK(leading.rules()[0].mode == PartitionRule::Mode::kTableHash);
  CHECK(leading.rules()[0].name.text == ":id");
}

TEST_CASE(
    "partitionHash: commas and semicolons separate rules, empty ones skipped",
    "[partition]") {
  const PartitionRules rules = rules_of(",a.b:id;c.d:$pk$,,e.f;");
  REQUIRE(rules.rules().size() == 3);
  CHECK(rules.rules()[0].mode == PartitionRule::Mode::kColumns);
  CHECK(rules.rules()[1].mode == PartitionRule::Mode::kPrimaryKey);
  CHECK(rules.rules()[2].mode == PartitionRule::Mode::kTableHash);
  CHECK(rules.rules()[0].index == 1);
  CHECK(rules.rules()[2].index == 3);
  CHECK(rules.match("e", "f") == &rules.rules()[2]);

  CHECK(rules_of("").empty());
  CHECK(rules_of(",;").empty());
  CHECK(rules_of("").match("a", "b") == nullptr);
}

TEST_CASE("partitionHash: the first matching rule wins", "[partition]") {
  const PartitionRules rules =
      rules_of(R"(test\..*:$pk$;test.commission:id;.*\..*)");
  CHECK(rules.match("test", "commission")->index == 1);
  CHECK(rules.match("shop", "orders")->index == 3);

  const PartitionRules plain_first =
      rules_of(R"(test.commission:id;test\..*:$pk$)");
  CHECK(plain_first.match("test", "commission")->index == 1);
  CHECK(plain_first.match("test", "other")->index == 2);
}

TEST_CASE("partitionHash: names match case-insensitively, in full",
          "[partition]") {
  CHECK(rules_of("TEST.Commission:id").match("test", "COMMISSION") != nullptr);
  const PartitionRules regex = rules_of(R"(TEST\.COMM.*:id)");
  CHECK(regex.match("test", "commission") != nullptr);
  CHECK(regex.match("Test", "Comm") != nullptr);
  CHECK(regex.match("xtest", "commission") == nullptr);
  CHECK(rules_of(R"(test\.comm:id)").match("test", "commission") == nullptr);
  // Without wildcard characters a name is not a regex.
  CHECK_FALSE(rules_of("a.b").rules()[0].name.is_regex);
  for (const char* wild :
       {"a*", "a?", "a+", "a|b", "(a)", "a{1}", "[a]", R"(a\.b)", "a$", "^a"}) {
    INFO(wild);
    CHECK(rules_of(wild).rules()[0].name.is_regex);
  }
}

TEST_CASE("partitionHash: a rule that can never match is explained",
          "[partition]") {
  const PartitionRules rules = rules_of("commission:id");
  CHECK(rules.match("test", "commission") == nullptr);
  const std::string reason = never_matching_reason(rules.rules()[0]);
  INFO(reason);
  CHECK_FALSE(reason.empty());
  CHECK(reason.find("\"commission:id\"") != std::string::npos);
  CHECK(reason.find("<schema>.commission") != std::string::npos);

  // canal trims nothing: " test.commission" never equals a table name.
  const PartitionRules spaced = rules_of("a.b:id, test.commission:id");
  CHECK(spaced.match("test", "commission") == nullptr);
  CHECK(never_matching_reason(spaced.rules()[0]).empty());
  CHECK_FALSE(never_matching_reason(spaced.rules()[1]).empty());

  CHECK(never_matching_reason(rules_of("db.t").rules()[0]).empty());
  CHECK(never_matching_reason(rules_of(R"(.*:$pk$)").rules()[0]).empty());
}

TEST_CASE("partitionHash errors name where and the rule", "[partition]") {
  auto regex = PartitionRules::parse(R"(a.b:id;test\.(commission:id)",
                                     "conf/test/instance.properties:14: "
                                     "canal.mq.partitionHash");
  REQUIRE_FALSE(regex.has_value());
  CHECK(regex.error().code == Errc::kUsage);
  const std::string& m = regex.error().message;
  INFO(m);
  CHECK(m.starts_with(
      "conf/test/instance.properties:14: canal.mq.partitionHash: "));
  CHECK(m.find(R"(rule 2 "test\.(commission:id")") != std::string::npos);
  CHECK(m.find("not a valid regular expression") != std::string::npos);

  for (const char* empty : {"db.t:", "db.t:^", "a.b:id,db.t:^^"}) {
    auto columns = PartitionRules::parse(empty, "here");
    REQUIRE_FALSE(columns.has_value());
    INFO(columns.error().message);
    CHECK(columns.error().code == Errc::kUsage);
    CHECK(columns.error().message.starts_with("here: rule "));
    CHECK(columns.error().message.find("no column") != std::string::npos);
  }
}

TEST_CASE("canal's partitions for test.commission rows", "[partition]") {
  // The seed: canal.mq.partitionHash=test.commission:id, partitionsNum=3,
  // ids 1..10. Reference: h = hash("test") (canal.mq.database.hash=true) or
  // 0, h ^= hash(id as text), partition = |h| % 3, with h built by a plain
  // h = 31*h + c loop.
  const auto reference_hash = [](std::string_view s) {
    uint32_t h = 0;
    for (const char c : s) h = h * 31 + static_cast<unsigned char>(c);
    return static_cast<int32_t>(h);
  };
  const auto reference_partition = [](int32_t h, int64_t n) {
    REQUIRE(h != kIntMin);  // where Java's abs differs from the plain one
    return static_cast<int32_t>((h < 0 ? -int64_t{h} : int64_t{h}) % n);
  };
  // Java's answers, for the record.
  const int32_t java_with_db[] = {0, 0, 1, 0, 1, 1, 2, 1, 2, 0};
  const int32_t java_without_db[] = {1, 2, 0, 1, 2, 0, 1, 2, 0, 1};

  const PartitionRules rules = rules_of("test.commission:id");
  const PartitionRule* rule = rules.match("test", "commission");
  REQUIRE(rule != nullptr);
  REQUIRE(rule->mode == PartitionRule::Mode::kColumns);
  for (int id = 1; id <= 10; ++id) {
    INFO("id=" << id);
    const std::string value = std::to_string(id);
    for (const bool database_hash : {true, false}) {
      int32_t h = database_hash ? java_string_hash("test") : 0;
      for (const std::string& column : rule->columns) {
        REQUIRE(column == "id");
        h ^= java_string_hash(value);
      }
      const int32_t expected = reference_partition(
          (database_hash ? reference_hash("test") : 0) ^ reference_hash(value),
          3);
      CHECK(canal_partition(h, 3) == expected);
      CHECK(canal_partition(h, 3) ==
            (database_hash ? java_with_db : java_without_db)[id - 1]);
    }
  }
  // Table mode hashes the table name only: "commission" -> 2 of 3.
  CHECK(canal_partition(java_string_hash("commission"), 3) ==
        reference_partition(reference_hash("commission"), 3));
  CHECK(canal_partition(java_string_hash("commission"), 3) == 2);
}

TEST_CASE("dynamicTopic unset: canal.mq.topic unchanged", "[topic]") {
  const DynamicTopics none = topics_of("");
  CHECK(none.empty());
  CHECK(none.topic_for("test", "commission", "example.topic") ==
        "example.topic");
}

TEST_CASE("dynamicTopic: bare expressions name the topic after the table",
          "[topic]") {
  const DynamicTopics plain = topics_of("test.commission");
  CHECK_FALSE(plain.empty());
  CHECK(plain.topic_for("test", "commission", "example") == "test_commission");
  CHECK(plain.topic_for("TEST", "Commission", "example") == "test_commission");
  CHECK(plain.topic_for("test", "other", "example") == "example");

  // A regex with `\.` is tried on schema.table, any other on the schema.
  const DynamicTopics table = topics_of(R"(test\..*)");
  CHECK(table.topic_for("test", "Orders", "example") == "test_orders");
  CHECK(table.topic_for("test2", "orders", "example") == "example");
  const DynamicTopics schema = topics_of("test.*");
  CHECK(schema.topic_for("test", "orders", "example") == "test");
  CHECK(schema.topic_for("Test2", "orders", "example") == "test2");
  CHECK(schema.topic_for("shop", "test", "example") == "example");

  // A plain name is tried on schema.table, then on the schema.
  const DynamicTopics by_schema = topics_of("shop");
  CHECK(by_schema.topic_for("SHOP", "orders", "example") == "shop");
}

TEST_CASE("dynamicTopic: topic:expr, trimmed, '.' becomes '_'", "[topic]") {
  const DynamicTopics topics =
      topics_of(R"( orders : shop\.orders.* ; my.topic:test,other:)");
  CHECK(topics.topic_for("shop", "orders_2024", "example") == "orders");
  CHECK(topics.topic_for("test", "commission", "example") == "my_topic");
  // `other:` has no expression and matches nothing.
  CHECK(topics.topic_for("other", "x", "example.topic") == "example_topic");
  // Split at the first ':'.
  CHECK(topics_of("t:a:b").topic_for("a:b", "x", "d") == "t");
}

TEST_CASE("dynamicTopic: schema.table before schema, then first rule",
          "[topic]") {
  const DynamicTopics topics =
      topics_of(R"(by_schema:test,by_table:test\.o.*)");
  CHECK(topics.topic_for("test", "orders", "d") == "by_table");
  CHECK(topics.topic_for("test", "commission", "d") == "by_schema");

  const DynamicTopics first = topics_of(R"(a:test\..*,b:test\.orders)");
  CHECK(first.topic_for("test", "orders", "d") == "a");
}

TEST_CASE("dynamicTopic: defaults, untrimmed bare items, dotted schemas",
          "[topic]") {
  const DynamicTopics topics = topics_of("test.orders, test.other");
  CHECK(topics.topic_for("test", "orders", "d") == "test_orders");
  CHECK(topics.topic_for("test", "other", "d") == "d");  // " test.other"
  CHECK(topics.topic_for("", "orders", "example.topic") == "example_topic");
  CHECK(topics.topic_for("test", "", "example.topic") == "example_topic");

  // canal picks the regex by whether the name has a '.', so a schema whose
  // name has one never meets a schema regex.
  CHECK(topics_of("a.*").topic_for("a.b", "t", "d") == "d");
  CHECK(topics_of("a.*").topic_for("ab", "t", "d") == "ab");

  // Only separators: routing is on, nothing matches.
  const DynamicTopics separators = topics_of(";");
  CHECK_FALSE(separators.empty());
  CHECK(separators.topic_for("a", "b", "x.y") == "x_y");
}

TEST_CASE("dynamicTopic errors name the key and the rule", "[topic]") {
  auto regex = DynamicTopics::parse(R"(a:test\..*;t:test\.(x)", "", "inst");
  REQUIRE_FALSE(regex.has_value());
  INFO(regex.error().message);
  CHECK(regex.error().code == Errc::kUsage);
  CHECK(regex.error().message.starts_with(
      R"(inst: canal.mq.dynamicTopic rule 2 "t:test\.(x": )"));

  auto topic = DynamicTopics::parse(" :test", "", "inst");
  REQUIRE_FALSE(topic.has_value());
  CHECK(topic.error().message.find("no topic") != std::string::npos);
}

TEST_CASE("dynamicTopicPartitionNum", "[topic]") {
  const DynamicTopics counts =
      topics_of("", R"(example:3;test_.*:4,t:abc;t:5,u;:9,neg:-2,.*:2)");
  CHECK(counts.empty());
  CHECK(counts.partitions_for("example", 1) == 3);
  CHECK(counts.partitions_for("EXAMPLE", 1) == 3);
  CHECK(counts.partitions_for("test_orders", 1) == 4);
  // The first match wins even when its count is not a number.
  CHECK(counts.partitions_for("t", 7) == 7);
  CHECK(counts.partitions_for("neg", 7) == 7);
  // `u` and `:9` have no usable ':' and are ignored.
  CHECK(counts.partitions_for("u", 7) == 2);
  CHECK(counts.partitions_for("anything", 7) == 2);

  const DynamicTopics plain = topics_of("", "a:3");
  CHECK(plain.partitions_for("b", 5) == 5);
  CHECK(topics_of("", "a:2147483647").partitions_for("a", 1) == kIntMax);
  CHECK(topics_of("", "a:007").partitions_for("a", 1) == 7);
  // As AviaterRegexFilter, a regex accepts an empty name.
  CHECK(topics_of("", ".+:4").partitions_for("", 1) == 4);

  for (const char* bad : {"a:0", "a:2147483648", "a:99999999999"}) {
    auto parsed = DynamicTopics::parse("", bad, "inst");
    REQUIRE_FALSE(parsed.has_value());
    INFO(parsed.error().message);
    CHECK(parsed.error().message.starts_with(
        "inst: canal.mq.dynamicTopicPartitionNum rule 1 "));
  }
  auto regex = DynamicTopics::parse("", "t(:3", "inst");
  REQUIRE_FALSE(regex.has_value());
  CHECK(regex.error().message.find("not a valid regular expression") !=
        std::string::npos);
}

}  // namespace
}  // namespace sluice::pipeline
