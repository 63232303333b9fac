#include "run_anvil/launcher/os/session_lock.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run_anvil/launcher/os/launcher_identity.h"
#include "run_anvil/launcher/os/random_hex.h"
#include "run_anvil/launcher/resources/session.h"
#include "run_anvil/launcher/run/session_options.h"
#include "run_anvil/sidecars/define/naming.h"

namespace run_anvil::launcher {
namespace {

TEST(SessionLock, HeldLockIsAliveAndGoesWithItsHolder) {
  std::string token;
  {
    auto lock = SessionLock::hold(random_hex(8));
    ASSERT_TRUE(lock) << "no usable lock directory";
    token = lock->token();
    EXPECT_EQ(session_lock_liveness(token), Liveness::Alive);
  }
  EXPECT_EQ(session_lock_liveness(token), Liveness::Unknown) << "a clean exit removes the file";
}

TEST(SessionLock, LockFileNobodyHoldsIsADeadLauncher) {
  // What SIGKILL leaves: the file, without its lock.
  std::string id = random_hex(8);
  std::string token = "tmp:" + id;
  auto path = session_lock_path(token);
  ASSERT_TRUE(path);
  ::mkdir("/tmp/run-anvil-sessions", 01777);
  int fd = ::open(path->c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ::close(fd);
  EXPECT_EQ(session_lock_liveness(token), Liveness::Dead);
  remove_dead_session_lock(token);
  EXPECT_NE(::access(path->c_str(), F_OK), 0) << "the dead launcher's file is cleaned up";
}

TEST(SessionLock, TokensNeverNameArbitraryPaths) {
  EXPECT_FALSE(session_lock_path("run:../../etc/passwd"));
  EXPECT_FALSE(session_lock_path("home:abcd"));
  EXPECT_FALSE(session_lock_path("run:"));
  EXPECT_FALSE(session_lock_path("abcd"));
  EXPECT_EQ(session_lock_path("run:0a1b"), "/run/run-anvil/0a1b.lock");
  EXPECT_EQ(session_lock_liveness("run:ffff"), Liveness::Unknown) << "no such file";
}

TEST(SessionLock, LiveLauncherInAnotherPidNamespaceIsAlive) {
  // Its PID (1 in its namespace) and start time mean nothing here; the lock says it lives.
  auto lock = SessionLock::hold(random_hex(8));
  ASSERT_TRUE(lock);
  LauncherIdentity self = this_launcher();
  LauncherIdentity other = self;
  other.pid = 1;
  other.start_time = 12345;
  other.lock = lock->token();
  EXPECT_EQ(launcher_liveness(other, self), Liveness::Alive);
  auto parsed = LauncherIdentity::parse(other.label());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->lock, lock->token());
  EXPECT_EQ(liveness_on_this_host(other.label()), Liveness::Alive);
}

TEST(SessionLock, DeadLauncherWithALockIsDeadWhateverItsPid) {
  std::string token;
  LauncherIdentity self = this_launcher();
  LauncherIdentity other = self;  // same PID as us: PID liveness would call it alive
  {
    auto lock = SessionLock::hold(random_hex(8));
    ASSERT_TRUE(lock);
    token = lock->token();
  }
  auto path = session_lock_path(token);
  int fd = ::open(path->c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);  // left behind, unlocked
  ASSERT_GE(fd, 0);
  ::close(fd);
  other.lock = token;
  EXPECT_EQ(launcher_liveness(other, self), Liveness::Dead);
  remove_dead_session_lock(token);
}

TEST(SessionLock, HoldSessionLockNamesTheLockInTheLauncherLabel) {
  sidecars::PlanOptions options;
  options.session_labels[sidecars::kLabelSessionId] = random_hex(8);
  auto lock = hold_session_lock(options);
  ASSERT_TRUE(lock);
  auto who = LauncherIdentity::parse(options.session_labels.at(sidecars::kLabelSessionLauncher));
  ASSERT_TRUE(who);
  EXPECT_EQ(who->lock, lock->token());
}

}  // namespace
}  // namespace run_anvil::launcher
