#include "support/kafka_records.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <utility>

namespace sluice::test {

std::vector<KafkaRecord> read_topic(const std::string& bootstrap,
                                    const std::string& topic, int timeout_ms) {
  using Clock = std::chrono::steady_clock;
  const auto until = Clock::now() + std::chrono::milliseconds(timeout_ms);
  kafka::TopicReader::Options o;
  o.properties = {{"bootstrap.servers", bootstrap}, {"log_level", "3"}};
  o.topic = topic;
  auto reader =
      kafka::TopicReader::open(o, std::chrono::milliseconds(timeout_ms));
  if (!reader) throw std::runtime_error(reader.error().message);
  std::vector<KafkaRecord> out;
  while ((*reader)->partitions_at_end() < (*reader)->partitions()) {
    if (Clock::now() > until)
      throw std::runtime_error("reading " + topic + ": end not reached");
    auto r = (*reader)->next(std::chrono::milliseconds(100));
    if (!r) throw std::runtime_error(r.error().message);
    if (*r) out.push_back(std::move(**r));
  }
  std::stable_sort(
      out.begin(), out.end(), [](const KafkaRecord& a, const KafkaRecord& b) {
        return a.partition != b.partition ? a.partition < b.partition
                                          : a.offset < b.offset;
      });
  return out;
}

TopicCollector::TopicCollector(const std::string& bootstrap,
                               const std::string& topic)
    : topic_(topic) {
  kafka::TopicReader::Options o;
  o.properties = {{"bootstrap.servers", bootstrap},
                  {"log_level", "3"},
                  {"fetch.message.max.bytes", "8388608"},
                  {"fetch.max.bytes", "52428800"},
                  {"fetch.wait.max.ms", "10"}};
  o.topic = topic;
  // Uncommitted too: an open transaction must not hold the reader back
  // while the mock's retention runs on (a position-aware consumer drops
  // what an aborted batch repeats, as the checks do).
  o.read_committed = false;
  auto reader = kafka::TopicReader::open(o, std::chrono::milliseconds(30'000));
  if (!reader) throw std::runtime_error(reader.error().message);
  reader_ = std::move(*reader);
  next_.assign(static_cast<size_t>(reader_->partitions()), 0);
  thread_ = std::thread(&TopicCollector::run, this);
}

TopicCollector::~TopicCollector() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void TopicCollector::run() {
  while (!stop_) {
    auto r = reader_->next(std::chrono::milliseconds(50));
    std::lock_guard lock(mu_);
    if (!r) {
      error_ = r.error().message;
      return;
    }
    if (!*r) continue;
    // Offsets advance by one per record, plus one per transaction marker;
    // a larger step means the mock's retention (5 MiB per partition)
    // dropped records before this reader saw them.
    int64_t& expected = next_[static_cast<size_t>((*r)->partition)];
    if ((*r)->offset > expected + (expected == 0 ? 0 : 1) && error_.empty()) {
      error_ = topic_ + " partition " + std::to_string((*r)->partition) +
               " jumps from offset " + std::to_string(expected) + " to " +
               std::to_string((*r)->offset) +
               ": the mock cluster dropped records before the test read them";
    }
    expected = (*r)->offset + 1;
    records_.push_back(std::move(**r));
  }
}

std::vector<KafkaRecord> TopicCollector::finish() {
  using Clock = std::chrono::steady_clock;
  std::vector<int64_t> ends;
  for (int32_t p = 0; p < reader_->partitions(); ++p) {
    auto end = reader_->end_offset(p, std::chrono::milliseconds(10'000));
    if (!end) throw std::runtime_error(end.error().message);
    ends.push_back(*end);
  }
  const auto deadline = Clock::now() + std::chrono::seconds(120);
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (!error_.empty()) break;
      // Read through the end, but for a trailing transaction marker.
      bool done = true;
      for (size_t p = 0; p < ends.size(); ++p)
        done = done && (ends[p] == 0 || next_[p] + 1 >= ends[p]);
      if (done) break;
    }
    if (Clock::now() > deadline)
      throw std::runtime_error("reading " + topic_ + ": end not reached");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop_ = true;
  thread_.join();
  if (!error_.empty()) throw std::runtime_error(error_);
  std::stable_sort(records_.begin(), records_.end(),
                   [](const KafkaRecord& a, const KafkaRecord& b) {
                     return a.partition != b.partition
                                ? a.partition < b.partition
                                : a.offset < b.offset;
                   });
  return std::move(records_);
}

}  // namespace sluice::test
