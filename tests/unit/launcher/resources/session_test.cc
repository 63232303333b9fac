#include "run_anvil/launcher/resources/session.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "definitions_builder.h"
#include "fake_docker.h"
#include "mock_engine.h"
#include "run_anvil/errors.h"
#include "run_anvil/launcher/run/executor.h"
#include "run_anvil/launcher/run/session_options.h"
#include "run_anvil/sidecars/define/naming.h"

namespace run_anvil::launcher {
namespace {

using sidecars::Definition;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Definition session_sidecar(const std::string& name, int port) {
  Definition d = fakes::port_sidecar(name, port);
  d.lifecycle = sidecars::Lifecycle::Session;
  d.restart = "no";
  return d;
}

class SessionTest : public ::testing::Test {
 protected:
  fakes::FakeDocker docker;
  fakes::FakeClock clock;
  fakes::FakeDialer dialer;
  fakes::RecordingProgress progress;

  sidecars::Plan plan_for(const std::vector<Definition>& defs, const std::string& session_id,
                          std::vector<std::string> argv = {"docker", "run", "--name", "a1", "h"}) {
    sidecars::ObservedState o;
    for (const auto& d : defs) {
      docker.images[d.image] = "sha256:" + d.name;
      o.image_ids[d.image] = docker.images[d.image];
    }
    o.network_driver = "bridge";
    docker.networks["swarmforge-net"] = {"n1", "swarmforge-net", "bridge", {}, {}};
    sidecars::PlanOptions options;
    options.generated_anvil_name = "anvil-gen";
    options.session_labels = {{sidecars::kLabelSessionId, session_id},
                              {sidecars::kLabelSessionLauncher, "host/boot/1/1"}};
    return sidecars::make_plan(defs, o, sidecars::parse_anvil_argv(argv), options);
  }

  void execute(const sidecars::Plan& plan, const std::vector<Definition>& defs) {
    ExecutorDeps deps{docker, clock, dialer, progress, [] {}};
    execute_plan(deps, plan, defs);
  }

  int containers_with(const std::string& key, const std::string& value) {
    return static_cast<int>(docker.list_containers({{key, value}}).size());
  }
};

TEST_F(SessionTest, OpenCreatesTheLabelledNetworkAndVolumes) {
  Definition store = fakes::none_sidecar("store");
  store.lifecycle = sidecars::Lifecycle::Session;
  store.interface.kind = sidecars::InterfaceKind::Volume;
  store.interface.volume = "cache";
  store.interface.mountpoint = "/cache";
  std::vector<Definition> defs{session_sidecar("pg", 5432), store};
  auto plan = plan_for(defs, "s1");
  SessionGuard guard(docker, plan, progress);
  guard.open();
  ASSERT_TRUE(docker.networks.count("swarmforge-session-a1"));
  EXPECT_EQ(docker.networks["swarmforge-session-a1"].labels.at(sidecars::kLabelSessionId), "s1");
  EXPECT_EQ(docker.networks["swarmforge-session-a1"].labels.at(sidecars::kLabelSession), "a1");
  ASSERT_TRUE(docker.volumes.count("a1-tong-cache"));
  EXPECT_EQ(docker.volumes["a1-tong-cache"].at(sidecars::kLabelSessionId), "s1");
}

TEST_F(SessionTest, TeardownRemovesSessionSidecarsNetworkAndVolumesAndDetachesShared) {
  std::vector<Definition> defs{fakes::port_sidecar("cache", 6379), session_sidecar("pg", 5432)};
  auto plan = plan_for(defs, "s1");
  {
    SessionGuard guard(docker, plan, progress);
    guard.open();
    execute(plan, defs);
    ASSERT_TRUE(docker.containers.count("a1-tong-pg"));
    EXPECT_TRUE(
        docker.containers["swarmforge-shared-cache"].networks.count("swarmforge-session-a1"));
    EXPECT_EQ(docker.containers["a1-tong-pg"].labels.at(sidecars::kLabelSessionId), "s1");
  }
  EXPECT_FALSE(docker.containers.count("a1-tong-pg"));
  EXPECT_FALSE(docker.networks.count("swarmforge-session-a1"));
  ASSERT_TRUE(docker.containers.count("swarmforge-shared-cache"));  // shared keeps running
  EXPECT_TRUE(docker.containers["swarmforge-shared-cache"].running);
  EXPECT_FALSE(
      docker.containers["swarmforge-shared-cache"].networks.count("swarmforge-session-a1"));
  EXPECT_THAT(progress.warnings, IsEmpty());
}

TEST_F(SessionTest, TeardownRunsWhenReadinessFails) {
  std::vector<Definition> defs{session_sidecar("pg", 5432)};
  defs[0].readiness.timeout = std::chrono::milliseconds(100);
  dialer.answer = [](const std::string&, int) { return DialResult::Refused; };
  auto plan = plan_for(defs, "s1");
  try {
    SessionGuard guard(docker, plan, progress);
    guard.open();
    execute(plan, defs);
    FAIL() << "expected a readiness failure";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("pg"));
  }
  EXPECT_FALSE(docker.containers.count("a1-tong-pg"));
  EXPECT_FALSE(docker.networks.count("swarmforge-session-a1"));
}

TEST_F(SessionTest, TeardownTouchesOnlyThisSessionsResources) {
  std::vector<Definition> defs{session_sidecar("pg", 5432)};
  // Another live session's container of another anvil, and a leftover without our id.
  docker.add_container("b2-tong-pg", true,
                       {{sidecars::kLabelManagedBy, "run-anvil"},
                        {sidecars::kLabelSession, "b2"},
                        {sidecars::kLabelSessionId, "other"}});
  auto plan = plan_for(defs, "s1");
  {
    SessionGuard guard(docker, plan, progress);
    guard.open();
    execute(plan, defs);
  }
  EXPECT_TRUE(docker.containers.count("b2-tong-pg"));
  EXPECT_FALSE(docker.containers.count("a1-tong-pg"));
}

TEST_F(SessionTest, OpenRefusesAnExistingSessionNetwork) {
  std::vector<Definition> defs{session_sidecar("pg", 5432)};
  docker.networks["swarmforge-session-a1"] = {
      "n2", "swarmforge-session-a1", "bridge", {{sidecars::kLabelSessionId, "other"}}, {}};
  auto plan = plan_for(defs, "s1");
  SessionGuard guard(docker, plan, progress);
  try {
    guard.open();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("another run of the anvil \"a1\""));
  }
  guard.close();
  // Not ours: left alone.
  EXPECT_TRUE(docker.networks.count("swarmforge-session-a1"));
}

TEST_F(SessionTest, PlanWithoutSessionNeedsNoGuardWork) {
  std::vector<Definition> defs{fakes::port_sidecar("pg", 5432)};
  auto plan = plan_for(defs, "s1");
  {
    SessionGuard guard(docker, plan, progress);
    guard.open();
  }
  EXPECT_EQ(docker.count_calls("network"), 0);
  EXPECT_EQ(docker.count_calls("list"), 0);
}

// The daemon refuses to remove the session network.
class StubbornDocker : public fakes::FakeDocker {
 public:
  void remove_network(const std::string&) override {
    throw DockerError(500, "error while removing network: network has active endpoints");
  }
};

TEST(SessionTeardownTest, ProblemsBecomeWarningsNotExceptions) {
  StubbornDocker docker;
  fakes::RecordingProgress progress;
  Definition pg = session_sidecar("pg", 5432);
  docker.images[pg.image] = "sha256:pg";
  sidecars::ObservedState o;
  o.image_ids[pg.image] = "sha256:pg";
  sidecars::PlanOptions options;
  options.session_labels = {{sidecars::kLabelSessionId, "s1"}};
  auto plan = sidecars::make_plan(
      {pg}, o, sidecars::parse_anvil_argv({"docker", "run", "--name", "a1", "h"}), options);
  {
    SessionGuard guard(docker, plan, progress);
    guard.open();
  }
  ASSERT_EQ(progress.warnings.size(), 1u);
  EXPECT_THAT(progress.warnings[0], HasSubstr("cannot remove network swarmforge-session-a1"));
  EXPECT_THAT(progress.warnings[0], HasSubstr("doctor --fix"));
}

class StaleSessionTest : public SessionTest {
 protected:
  void leftover(const std::string& anvil, const std::string& id, const std::string& launcher) {
    std::map<std::string, std::string> labels{{sidecars::kLabelManagedBy, "run-anvil"},
                                              {sidecars::kLabelSession, anvil},
                                              {sidecars::kLabelSessionId, id},
                                              {sidecars::kLabelSessionLauncher, launcher}};
    docker.add_container(anvil + "-tong-pg", true, labels);
    docker.networks["swarmforge-session-" + anvil] = {
        "net-" + id, "swarmforge-session-" + anvil, "bridge", labels, {}};
    docker.volumes[anvil + "-tong-cache"] = labels;
  }
  LivenessCheck dead_if(const std::string& launcher) {
    return [launcher](const std::string& l) {
      return l == launcher ? Liveness::Dead : Liveness::Alive;
    };
  }
};

TEST_F(StaleSessionTest, DeadLauncherWithoutRunningAnvilIsStale) {
  leftover("a1", "s1", "dead");
  leftover("b2", "s2", "alive");
  auto stale = find_stale_sessions(docker, dead_if("dead"));
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_EQ(stale[0].id, "s1");
  EXPECT_EQ(stale[0].anvil_name, "a1");
  EXPECT_EQ(stale[0].networks, std::vector<std::string>{"swarmforge-session-a1"});
  EXPECT_EQ(stale[0].volumes, std::vector<std::string>{"a1-tong-cache"});
}

TEST_F(StaleSessionTest, DeadLauncherWhoseAnvilStillRunsKeepsItsSidecars) {
  leftover("a1", "s1", "dead");
  docker.add_container("a1", true, {});
  EXPECT_THAT(find_stale_sessions(docker, dead_if("dead")), IsEmpty());
  docker.containers["a1"].running = false;
  EXPECT_EQ(find_stale_sessions(docker, dead_if("dead")).size(), 1u);
}

TEST_F(StaleSessionTest, UnknownLivenessIsNeverStale) {
  leftover("a1", "s1", "other-host/x/1/1");
  auto unknown = [](const std::string&) { return Liveness::Unknown; };
  EXPECT_THAT(find_stale_sessions(docker, unknown), IsEmpty());
}

TEST_F(StaleSessionTest, SweepRemovesEverythingOfStaleSessionsOnly) {
  leftover("a1", "s1", "dead");
  leftover("b2", "s2", "alive");
  auto& shared = docker.add_container("swarmforge-shared-cache", true, {});
  shared.networks["swarmforge-session-a1"] = {"net-s1", "172.18.0.3", {"cache"}};
  sweep_stale_sessions(docker, progress, dead_if("dead"));
  EXPECT_FALSE(docker.containers.count("a1-tong-pg"));
  EXPECT_FALSE(docker.networks.count("swarmforge-session-a1"));
  EXPECT_FALSE(docker.volumes.count("a1-tong-cache"));
  EXPECT_FALSE(
      docker.containers["swarmforge-shared-cache"].networks.count("swarmforge-session-a1"));
  EXPECT_TRUE(docker.containers.count("b2-tong-pg"));
  EXPECT_TRUE(docker.networks.count("swarmforge-session-b2"));
  EXPECT_TRUE(docker.volumes.count("b2-tong-cache"));
}

TEST_F(StaleSessionTest, SweepTurnsDaemonTroubleIntoAWarning) {
  ::testing::NiceMock<fakes::MockEngine> failing;
  EXPECT_CALL(failing, list_containers(::testing::_))
      .WillOnce(::testing::Throw(DockerError(500, "daemon on fire")));
  sweep_stale_sessions(failing, progress, dead_if("dead"));
  ASSERT_EQ(progress.warnings.size(), 1u);
  EXPECT_THAT(progress.warnings[0], HasSubstr("daemon on fire"));
}

TEST(LauncherIdentityTest, LabelRoundTripsAndGarbageIsRejected) {
  LauncherIdentity who{"host-1", "0f0e-aa", 4242, 987654321ULL};
  EXPECT_EQ(who.label(), "host-1/0f0e-aa/4242/987654321");
  EXPECT_EQ(LauncherIdentity::parse(who.label()), who);
  EXPECT_FALSE(LauncherIdentity::parse(""));
  EXPECT_FALSE(LauncherIdentity::parse("a/b/c/d"));
  EXPECT_FALSE(LauncherIdentity::parse("a/b/1"));
  EXPECT_FALSE(LauncherIdentity::parse("a/b/-1/2"));
}

TEST(LauncherIdentityTest, LivenessIsJudgedFromThisHost) {
  const LauncherIdentity self = this_launcher();
  EXPECT_EQ(self.pid, static_cast<long>(getpid()));
  EXPECT_NE(self.start_time, 0u);
  EXPECT_EQ(launcher_liveness(self, self), Liveness::Alive);
  LauncherIdentity other_host = self;
  other_host.host += "-elsewhere";
  EXPECT_EQ(launcher_liveness(other_host, self), Liveness::Unknown);
  LauncherIdentity earlier_boot = self;
  earlier_boot.boot_id = "another-boot";
  EXPECT_EQ(launcher_liveness(earlier_boot, self), Liveness::Dead);
  LauncherIdentity reused_pid = self;
  reused_pid.start_time += 1;  // same PID, another process
  EXPECT_EQ(launcher_liveness(reused_pid, self), Liveness::Dead);
  LauncherIdentity parent = self;
  parent.pid = static_cast<long>(getppid());
  parent.start_time = process_start_time(parent.pid).value_or(0);
  EXPECT_EQ(launcher_liveness(parent, self), Liveness::Alive);
  LauncherIdentity gone = self;
  gone.pid = 0x7ffffff0;
  EXPECT_EQ(launcher_liveness(gone, self), Liveness::Dead);
}

TEST(SessionPlanOptionsTest, EveryRunGetsAFreshIdNameAndItsOwner) {
  Options options;
  options.workspace = "/ws";
  auto a = session_plan_options(options);
  auto b = session_plan_options(options);
  EXPECT_NE(a.session_labels.at(sidecars::kLabelSessionId),
            b.session_labels.at(sidecars::kLabelSessionId));
  EXPECT_NE(a.generated_anvil_name, b.generated_anvil_name);
  EXPECT_THAT(a.generated_anvil_name, ::testing::StartsWith("anvil-"));
  EXPECT_EQ(a.workspace, "/ws");
  EXPECT_EQ(LauncherIdentity::parse(a.session_labels.at(sidecars::kLabelSessionLauncher)),
            this_launcher());
}

}  // namespace
}  // namespace run_anvil::launcher
