#include "kafka/checkpoint_reader.h"

#include "kafka/topic_reader.h"

namespace sluice::kafka {
namespace {

using Clock = std::chrono::steady_clock;

// Offsets read back from each partition's end at first; each further try
// reads this many times more. A destination writes a checkpoint with every
// Kafka transaction, so its newest one is nearly always in the first
// window, however long the topic has grown.
constexpr int64_t kFirstTail = 1024;
constexpr int64_t kTailGrowth = 16;

struct Window {
  std::optional<Checkpoint> newest;
  bool whole_topic = true;  // the window held every offset of every partition
};

// The newest checkpoint of the destination in the last `tail` offsets of
// each partition.
Result<Window> read_window(const CheckpointSource& source, int64_t tail,
                           Clock::time_point until,
                           std::chrono::milliseconds timeout) {
  const std::string where = "checkpoint topic " + source.topic;
  TopicReader::Options o;
  o.properties = source.properties;
  o.topic = source.topic;
  o.missing_ok = true;  // no topic yet: nothing was ever checkpointed
  o.tail = tail;
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<TopicReader> opened,
                          TopicReader::open(o, timeout));
  TopicReader& reader = *opened;
  Window w;
  for (int32_t p = 0; p < reader.partitions(); ++p) {
    SLUICE_ASSIGN_OR_RETURN(const int64_t held,
                            reader.offsets_held(p, timeout));
    if (held > tail) w.whole_topic = false;
  }
  while (reader.partitions_at_end() < reader.partitions()) {
    if (source.interrupt && source.interrupt())
      return make_error(Errc::kCancelled, "stopped");
    if (Clock::now() >= until) {
      return make_error(Errc::kTimeout,
                        "reading " + where + ": its end was not reached in " +
                            std::to_string(timeout.count()) + " ms");
    }
    SLUICE_ASSIGN_OR_RETURN(std::optional<TopicRecord> r,
                            reader.next(std::chrono::milliseconds(100)));
    if (!r || r->key != source.destination) continue;
    auto parsed = parse_checkpoint(r->value);
    if (!parsed) {
      return tl::unexpected(with_context(
          parsed.error(), where + " partition " + std::to_string(r->partition) +
                              " offset " + std::to_string(r->offset)));
    }
    // One destination writes to one partition; across partitions (the
    // topic was repartitioned) the newest write wins.
    if (!w.newest || parsed->ts_ms >= w.newest->ts_ms)
      w.newest = std::move(*parsed);
  }
  return w;
}

}  // namespace

Result<std::optional<Checkpoint>> read_checkpoint(
    const CheckpointSource& source, std::chrono::milliseconds timeout) {
  const auto until = Clock::now() + timeout;
  for (int64_t tail = kFirstTail;; tail *= kTailGrowth) {
    SLUICE_ASSIGN_OR_RETURN(Window w,
                            read_window(source, tail, until, timeout));
    if (w.newest || w.whole_topic) return std::move(w.newest);
  }
}

}  // namespace sluice::kafka
