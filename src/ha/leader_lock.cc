#include "ha/leader_lock.h"

#include <algorithm>

#include "common/text.h"

namespace sluice::ha {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

// The first column of the first row, when there is one and it is not NULL.
std::optional<std::string> scalar(
    const std::vector<mysql::ControlConnection::Row>& rows) {
  if (rows.empty() || rows.front().empty()) return std::nullopt;
  return rows.front().front();
}

// A connection id from a result; 0 for NULL or anything not a number.
uint64_t to_id(const std::optional<std::string>& v) {
  uint64_t id = 0;
  return v && parse_number(*v, id) ? id : 0;
}

// The connection holding lock `name` (IS_USED_LOCK); 0 when it is free.
Result<uint64_t> lock_owner(mysql::ControlConnection& conn,
                            const std::string& name) {
  SLUICE_ASSIGN_OR_RETURN(const auto rows, conn.query("SELECT IS_USED_LOCK(" +
                                                      conn.quote(name) + ")"));
  return to_id(scalar(rows));
}

}  // namespace

std::string lock_name(std::string_view destination) {
  return "sluice." + std::string(destination);
}

Result<LockHolder> lock_holder(mysql::ControlConnection& conn,
                               std::string_view destination) {
  LockHolder h;
  SLUICE_ASSIGN_OR_RETURN(h.connection,
                          lock_owner(conn, lock_name(destination)));
  if (h.connection == 0) return h;
  // Another user's sessions are visible with the PROCESS privilege only.
  auto host =
      conn.query("SELECT HOST FROM information_schema.PROCESSLIST WHERE ID = " +
                 std::to_string(h.connection));
  if (host) h.host = scalar(*host).value_or("");
  return h;
}

LeaderLock::LeaderLock(LeaderLockOptions options)
    : options_(std::move(options)), name_(lock_name(options_.destination)) {
  options_.lock_timeout = std::max(options_.lock_timeout, seconds(1));
  lease_ = duration_cast<milliseconds>(options_.lock_timeout) / 2;
  // A check that hangs ends before the lease could outlive it.
  const auto io_s = static_cast<unsigned>(
      std::max<seconds::rep>(1, options_.lock_timeout.count() / 2));
  options_.connection.read_timeout_s = io_s;
  options_.connection.write_timeout_s = io_s;
}

LeaderLock::~LeaderLock() { release(); }

Status LeaderLock::connect() {
  conn_.reset();
  SLUICE_ASSIGN_OR_RETURN(
      mysql::ControlConnection c,
      mysql::ControlConnection::connect(options_.server, options_.connection));
  SLUICE_RETURN_IF_ERROR(
      c.query("SET SESSION wait_timeout = " +
              std::to_string(options_.lock_timeout.count())));
  SLUICE_ASSIGN_OR_RETURN(const auto rows, c.query("SELECT CONNECTION_ID()"));
  connection_id_ = to_id(scalar(rows));
  conn_.emplace(std::move(c));
  return {};
}

Result<bool> LeaderLock::try_acquire() {
  stop_keep_alive();
  std::lock_guard lk(mu_);
  if (held_) return true;
  auto attempt = [&]() -> Result<std::optional<std::string>> {
    if (!conn_) SLUICE_RETURN_IF_ERROR(connect());
    SLUICE_ASSIGN_OR_RETURN(
        const auto rows,
        conn_->query("SELECT GET_LOCK(" + conn_->quote(name_) + ", 0)"));
    return scalar(rows);
  };
  const auto sent = Clock::now();
  auto got = attempt();
  if (!got && got.error().code == Errc::kIo) {
    // The standby's idle session may have outlived its wait_timeout.
    conn_.reset();
    got = attempt();
  }
  if (!got) {
    conn_.reset();
    return tl::unexpected(got.error());
  }
  if (!*got) {
    return make_error(Errc::kUnsupported,
                      "GET_LOCK('" + name_ + "', 0) returned NULL on " +
                          mysql::to_string(options_.server));
  }
  if (**got != "1") {
    holder_ = lock_holder(*conn_, options_.destination).value_or(LockHolder{});
    return false;
  }
  held_ = true;
  holder_ = LockHolder{};
  lost_reason_.clear();
  lease_until_.store((sent + lease_).time_since_epoch().count());
  stop_ = false;
  keep_alive_ = std::thread([this] { keep_alive(); });
  return true;
}

bool LeaderLock::leading() const {
  return Clock::now().time_since_epoch().count() < lease_until_.load();
}

Status LeaderLock::confirm() {
  std::lock_guard lk(mu_);
  if (!held_) {
    return make_error(Errc::kNotLeader,
                      lost_reason_.empty() ? "not leading" : lost_reason_);
  }
  return check_locked();
}

std::string LeaderLock::lost_reason() const {
  std::lock_guard lk(mu_);
  return lost_reason_;
}

Status LeaderLock::check_locked() {
  const auto sent = Clock::now();
  const auto owner = lock_owner(*conn_, name_);
  if (!owner) {
    lose("cannot confirm the lock " + name_ + " with " +
         mysql::to_string(options_.server) + ": " + owner.error().message);
  } else if (*owner != connection_id_) {
    lose(*owner == 0 ? "the server no longer knows this node's lock " + name_ +
                           " (its session ended)"
                     : "the lock " + name_ + " is held by MySQL connection " +
                           std::to_string(*owner) + " now");
  } else if (Clock::now() - sent >= lease_) {
    lose("confirming the lock " + name_ + " took longer than its lease");
  } else {
    lease_until_.store((sent + lease_).time_since_epoch().count());
    return {};
  }
  return make_error(Errc::kNotLeader, lost_reason_);
}

void LeaderLock::lose(std::string why) {
  lease_until_.store(0);
  held_ = false;
  lost_reason_ = std::move(why);
  // Ending the session frees the lock on the server if it still is ours.
  conn_.reset();
}

void LeaderLock::keep_alive() {
  const auto every =
      std::max(milliseconds(100),
               duration_cast<milliseconds>(options_.lock_timeout) / 5);
  std::unique_lock lk(mu_);
  while (held_ && !stop_) {
    wake_.wait_for(lk, every, [this] { return stop_; });
    if (stop_ || !held_) break;
    (void)check_locked();
  }
}

void LeaderLock::stop_keep_alive() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (keep_alive_.joinable()) keep_alive_.join();
}

void LeaderLock::release() {
  stop_keep_alive();
  std::lock_guard lk(mu_);
  if (held_ && conn_) {
    (void)conn_->query("SELECT RELEASE_LOCK(" + conn_->quote(name_) + ")");
  }
  held_ = false;
  lease_until_.store(0);
}

}  // namespace sluice::ha
