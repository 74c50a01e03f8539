#include "kafka/checkpoint_reader.h"

#include "kafka/topic_reader.h"

namespace sluice::kafka {

Result<std::optional<Checkpoint>> read_checkpoint(
    const CheckpointSource& source, std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const auto until = Clock::now() + timeout;
  const std::string where = "checkpoint topic " + source.topic;
  TopicReader::Options o;
  o.properties = source.properties;
  o.topic = source.topic;
  o.missing_ok = true;  // no topic yet: nothing was ever checkpointed
  SLUICE_ASSIGN_OR_RETURN(std::unique_ptr<TopicReader> opened,
                          TopicReader::open(o, timeout));
  TopicReader& reader = *opened;
  std::optional<Checkpoint> newest;
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
    if (!newest || parsed->ts_ms >= newest->ts_ms) newest = std::move(*parsed);
  }
  return newest;
}

}  // namespace sluice::kafka
