#include "app/consume_command.h"

#include <chrono>
#include <cstdio>
#include <string_view>

#include "app/command_line.h"
#include "app/stop_signal.h"
#include "common/text.h"
#include "common/wall_clock.h"
#include "kafka/topic_reader.h"

namespace sluice::app {
namespace {

void print_help() {
  std::fputs(
      "usage: sluice consume --brokers HOST:PORT[,...] --topic NAME\n"
      "                      [--new] [--count N] [--until-end] [--hex]\n"
      "\n"
      "Prints the records of a Kafka topic, read_committed, one per line:\n"
      "  p=<partition> o=<offset> key=<key|null> pos=<sluice-pos>\n"
      "  gtid=<sluice-gtid> at=<receive time, ms since the epoch> <value>\n"
      "Runs until SIGINT/SIGTERM unless --count or --until-end ends it.\n"
      "\n"
      "  --brokers LIST  bootstrap servers\n"
      "  --topic NAME    the topic to read (every partition)\n"
      "  --new           only records written from now on (default: from\n"
      "                  the beginning)\n"
      "  --count N       exit after N records\n"
      "  --until-end     exit once every partition's current end is reached\n"
      "  --hex           print values as hex (canal protobuf values)\n",
      stdout);
}

void print_record(const kafka::TopicRecord& r, bool hex) {
  std::string line = "p=" + std::to_string(r.partition) +
                     " o=" + std::to_string(r.offset) + " key=";
  line += r.key ? *r.key : "null";
  line += " pos=";
  line += r.header("sluice-pos");
  line += " gtid=";
  line += r.header("sluice-gtid");
  line += " at=" + std::to_string(wall_clock_ms()) + " ";
  if (hex) {
    static constexpr char kDigits[] = "0123456789abcdef";
    for (const char c : r.value) {
      const auto b = static_cast<unsigned char>(c);
      line.push_back(kDigits[b >> 4]);
      line.push_back(kDigits[b & 15]);
    }
  } else {
    line += r.value;
  }
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stdout);
}

}  // namespace

int run_consume(std::span<const std::string> args) {
  kafka::TopicReader::Options o;
  std::string brokers;
  uint64_t count = 0;
  bool until_end = false;
  bool hex = false;
  CommandLine cli("sluice consume", print_help);
  cli.text("--brokers", brokers);
  cli.text("--topic", o.topic);
  cli.value("--count", [&](const std::string& v) {
    return parse_number(std::string_view(v), count) && count > 0
               ? std::string()
               : std::string("--count wants a positive whole number");
  });
  cli.flag("--new", [&] { o.from_beginning = false; });
  cli.flag("--until-end", [&] { until_end = true; });
  cli.flag("--hex", [&] { hex = true; });
  if (cli.parse(args) == CommandLine::Outcome::kExit) return cli.exit_code();
  if (brokers.empty()) return cli.usage("--brokers is required");
  if (o.topic.empty()) return cli.usage("--topic is required");
  o.properties = {{"bootstrap.servers", brokers}, {"log_level", "3"}};
  install_stop_handlers();
  auto reader = kafka::TopicReader::open(o, std::chrono::milliseconds(10'000));
  if (!reader) {
    std::fprintf(stderr, "sluice consume: %s\n",
                 reader.error().message.c_str());
    return 2;
  }
  uint64_t seen = 0;
  while (!stop_signalled()) {
    if (until_end && (*reader)->partitions_at_end() >= (*reader)->partitions())
      break;
    auto r = (*reader)->next(std::chrono::milliseconds(100));
    if (!r) {
      std::fprintf(stderr, "sluice consume: %s\n", r.error().message.c_str());
      return 2;
    }
    if (!*r) continue;
    print_record(**r, hex);
    std::fflush(stdout);
    if (count != 0 && ++seen >= count) break;
  }
  return 0;
}

}  // namespace sluice::app
