// Leadership of one destination without ZooKeeper (DESIGN §5): MySQL's
// advisory lock GET_LOCK('sluice.<destination>', 0), held on a connection
// of its own to the destination's source server. The server frees the lock
// when that session ends: at once when the holder's process dies (its
// kernel closes the socket), and `lock_timeout` after the last ping when the
// holder's host freezes or vanishes (the session's wait_timeout).
//
// While leading, a keep-alive thread checks every lock_timeout / 5 that the
// lock is still this session's (IS_USED_LOCK = the session's id). Each
// success extends a lease to lock_timeout / 2 past the moment the check was
// sent, so the lease runs out before the server could hand the lock to
// another node; a failed or doubtful check ends it at once. leading() reads
// the lease and is cheap (it gates every message); confirm() asks the
// server now (it gates every Kafka commit).
//
// A standby keeps its connection and calls try_acquire() every
// sluice.ha.poll.ms.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "common/error.h"
#include "mysql/control_connection.h"

namespace sluice::ha {

struct LeaderLockOptions {
  mysql::ServerAddress server;
  mysql::ControlConnectionOptions connection;  // its timeouts are replaced
  std::string destination;
  std::chrono::seconds lock_timeout{5};
};

// "sluice.<destination>".
[[nodiscard]] std::string lock_name(std::string_view destination);

// Who holds a destination's lock: the MySQL connection id (0: the lock is
// free) and the client address the server has for it ("" when the server
// does not show it to this user).
struct LockHolder {
  uint64_t connection = 0;
  std::string host;
};

// Asks on `conn` who holds the destination's lock now.
[[nodiscard]] Result<LockHolder> lock_holder(mysql::ControlConnection& conn,
                                             std::string_view destination);

class LeaderLock {
 public:
  explicit LeaderLock(LeaderLockOptions options);
  ~LeaderLock();  // releases the lock
  LeaderLock(const LeaderLock&) = delete;
  LeaderLock& operator=(const LeaderLock&) = delete;

  // One attempt, without waiting: true = this node now leads (the
  // keep-alive runs); false = another session holds the lock (holder()
  // names it). Connects, and connects again after a broken connection.
  // Errors: the server cannot be reached (kIo) or refuses (kRefused).
  [[nodiscard]] Result<bool> try_acquire();

  // The holder seen by the last try_acquire that failed (connection 0
  // when the lock was free by then).
  [[nodiscard]] const LockHolder& holder() const { return holder_; }

  // True while the lease lasts. Thread-safe.
  [[nodiscard]] bool leading() const;

  // Asks the server whether the lock is still this session's and extends
  // the lease when it is. Any other answer or failure ends the lease:
  // kNotLeader saying why. Thread-safe.
  [[nodiscard]] Status confirm();

  // Why the lease ended, once it has ("" while leading).
  [[nodiscard]] std::string lost_reason() const;

  // Stops the keep-alive and gives the lock back (RELEASE_LOCK); safe to
  // call when not leading.
  void release();

  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  using Clock = std::chrono::steady_clock;
  [[nodiscard]] Status connect();
  [[nodiscard]] Status check_locked();  // confirm() with mu_ held
  void lose(std::string why);           // with mu_ held
  void keep_alive();
  void stop_keep_alive();

  LeaderLockOptions options_;
  std::string name_;
  std::chrono::milliseconds lease_;
  mutable std::mutex mu_;  // the connection and the reason
  std::optional<mysql::ControlConnection> conn_;
  uint64_t connection_id_ = 0;
  LockHolder holder_;
  std::string lost_reason_;
  std::atomic<Clock::rep> lease_until_{0};
  bool held_ = false;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread keep_alive_;
};

}  // namespace sluice::ha
