// How `sluice run` asks glibc's allocator to treat memory it frees.
#pragma once

namespace sluice::app {

// Every Kafka message is allocated by librdkafka when produced and freed
// when its delivery report is served, so a batch's worth of memory is
// freed at once, and by default glibc hands it back to the kernel and
// page-faults it in again for the next batch: measured as a third of the
// publishing thread's time. This keeps up to `bytes` of freed memory in
// the process instead (bounded by the producer queue in any case).
void keep_freed_heap(unsigned long bytes);

// Hands the freed memory kept by keep_freed_heap back to the kernel: for
// when the binlog has gone idle, so an idle process stays small.
void release_freed_heap();

}  // namespace sluice::app
