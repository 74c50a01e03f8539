// ha::LeaderLock against a real MariaDB server (DESIGN §5): one holder per
// destination, a standby that sees who holds it, a lock that moves on
// release, a leader that learns at once when its session is killed, and a
// silent holder whose lock the server frees after its wait_timeout (what a
// frozen or vanished host looks like to the server).
#include "ha/leader_lock.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "integration/mariadb_server.h"
#include "mysql/control_connection.h"

namespace sluice {
namespace {

using testing::MariaDbServer;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

MariaDbServer& server() {
  static MariaDbServer s;
  return s;
}

ha::LeaderLockOptions options(const std::string& destination,
                              std::chrono::seconds timeout = 3s) {
  ha::LeaderLockOptions o;
  o.server = {"127.0.0.1", static_cast<uint16_t>(server().port())};
  o.connection.user = "root";
  o.destination = destination;
  o.lock_timeout = timeout;
  return o;
}

// Polls `done` every 20 ms until it holds or `limit` passes.
template <class Done>
bool eventually(Done done, std::chrono::seconds limit) {
  const auto until = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() > until) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

TEST_CASE("leader lock: one holder, the standby sees it and takes over",
          "[ha]") {
  CHECK(ha::lock_name("orders") == "sluice.orders");
  ha::LeaderLock a(options("one_holder"));
  ha::LeaderLock b(options("one_holder"));
  auto got_a = a.try_acquire();
  REQUIRE(got_a);
  CHECK(*got_a);
  CHECK(a.leading());
  CHECK(a.confirm());

  auto got_b = b.try_acquire();
  REQUIRE(got_b);
  CHECK_FALSE(*got_b);
  CHECK_FALSE(b.leading());
  CHECK(b.holder().connection != 0);
  const auto owner = server().query("SELECT IS_USED_LOCK('sluice.one_holder')");
  REQUIRE(owner.size() == 1);
  CHECK(owner[0][0] == std::to_string(b.holder().connection));
  // Both sessions are root's, so the holder's address is visible (the
  // server names 127.0.0.1 localhost).
  CHECK(b.holder().host.rfind("localhost:", 0) == 0);
  auto not_b = b.confirm();
  REQUIRE_FALSE(not_b);
  CHECK(not_b.error().code == Errc::kNotLeader);

  // Another destination's lock is independent.
  ha::LeaderLock other(options("another_one"));
  auto got_other = other.try_acquire();
  REQUIRE(got_other);
  CHECK(*got_other);

  a.release();
  CHECK_FALSE(a.leading());
  got_b = b.try_acquire();
  REQUIRE(got_b);
  CHECK(*got_b);
  CHECK(b.leading());
  got_a = a.try_acquire();
  REQUIRE(got_a);
  CHECK_FALSE(*got_a);
}

TEST_CASE("leader lock: a killed session ends the lease", "[ha]") {
  ha::LeaderLock a(options("killed"));
  ha::LeaderLock b(options("killed"));
  REQUIRE(a.try_acquire().value_or(false));
  REQUIRE_FALSE(b.try_acquire().value_or(true));
  REQUIRE(b.holder().connection != 0);
  server().execute("KILL " + std::to_string(b.holder().connection));

  // The keep-alive notices without being asked...
  CHECK(eventually([&] { return !a.leading(); }, 5s));
  // ...and confirm() says why.
  auto c = a.confirm();
  REQUIRE_FALSE(c);
  CHECK(c.error().code == Errc::kNotLeader);
  CHECK_FALSE(a.lost_reason().empty());
  // The lock was freed with the session: the standby gets it.
  CHECK(eventually([&] { return b.try_acquire().value_or(false); }, 5s));
  CHECK(b.confirm());
}

TEST_CASE("leader lock: the server frees a silent holder's lock", "[ha]") {
  // A holder that stops talking, as a frozen host does: the lock goes
  // once its session's wait_timeout has passed.
  mysql::ControlConnectionOptions co;
  co.user = "root";
  auto silent = mysql::ControlConnection::connect(
      {"127.0.0.1", static_cast<uint16_t>(server().port())}, co);
  REQUIRE(silent);
  REQUIRE(silent->query("SET SESSION wait_timeout = 2"));
  auto got = silent->query("SELECT GET_LOCK('sluice.silent', 0)");
  REQUIRE(got);
  REQUIRE(got->at(0).at(0) == "1");

  ha::LeaderLock standby(options("silent"));
  REQUIRE_FALSE(standby.try_acquire().value_or(true));
  CHECK(eventually([&] { return standby.try_acquire().value_or(false); }, 15s));
  CHECK(standby.leading());
}

TEST_CASE("leader lock: an unreachable server is an error, not a standby",
          "[ha]") {
  ha::LeaderLockOptions o = options("unreachable");
  o.server.port = 1;  // nothing listens on port 1 of 127.0.0.1
  o.connection.connect_timeout_s = 2;
  ha::LeaderLock lock(o);
  auto got = lock.try_acquire();
  REQUIRE_FALSE(got);
  CHECK(got.error().code == Errc::kIo);
  CHECK_FALSE(lock.leading());
}

}  // namespace
}  // namespace sluice
