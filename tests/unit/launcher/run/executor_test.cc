#include "run_anvil/launcher/run/executor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "definitions_builder.h"
#include "fake_docker.h"
#include "run_anvil/launcher/os/process.h"
#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/plan/config_hash.h"

namespace run_anvil::launcher {
namespace {

using fakes::port_sidecar;
using sidecars::Definition;
using ::testing::HasSubstr;
using ::testing::Not;

class ExecutorTest : public ::testing::Test {
 protected:
  fakes::FakeDocker docker;
  fakes::FakeClock clock;
  fakes::FakeDialer dialer;
  fakes::RecordingProgress progress;
  std::function<void()> interrupt = [] {};
  ExecutorDeps deps{docker, clock, dialer, progress, [this] { interrupt(); }};

  sidecars::Plan plan_for(const std::vector<Definition>& defs) {
    for (const auto& d : defs) docker.images[d.image] = "sha256:" + d.name;
    docker.networks["swarmforge-net"] = {"n1", "swarmforge-net", "bridge", {}, {}};
    sidecars::ObservedState o;
    for (const auto& d : defs) o.image_ids[d.image] = docker.images[d.image];
    o.network_driver = "bridge";
    for (const auto& [name, c] : docker.containers) {
      sidecars::ObservedContainer oc;
      oc.id = c.id;
      oc.name = name;
      oc.running = c.running;
      oc.labels = c.labels;
      for (const auto& [net, a] : c.networks) oc.network_ips[net] = a.ip;
      o.containers[name] = oc;
    }
    return sidecars::make_plan(defs, o, sidecars::parse_anvil_argv({"docker", "run", "h"}));
  }

  void add_running(const Definition& d, std::string hash = "") {
    auto& c = docker.add_container(
        sidecars::shared_container_name(d.name), true,
        sidecars::container_labels(d, hash.empty() ? sidecars::config_hash(d) : hash,
                                   "sha256:" + d.name));
    c.networks["swarmforge-net"] = {"n1", "172.18.0.9", {d.name}};
  }

  std::string error_of(const sidecars::Plan& plan, const std::vector<Definition>& defs) {
    try {
      execute_plan(deps, plan, defs);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }

  std::ptrdiff_t index_of(const std::string& call) {
    auto it = std::find(docker.calls.begin(), docker.calls.end(), call);
    return it == docker.calls.end() ? -1 : it - docker.calls.begin();
  }
};

TEST_F(ExecutorTest, CreatesStartsAndWaitsUntilPortAccepts) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  int tries = 0;
  dialer.answer = [&](const std::string&, int port) {
    EXPECT_EQ(port, 5432);
    return ++tries < 4 ? DialResult::Refused : DialResult::Connected;
  };
  execute_plan(deps, plan_for(defs), defs);
  EXPECT_EQ(docker.specs_created, std::vector<std::string>{"swarmforge-shared-pg"});
  EXPECT_TRUE(docker.containers.at("swarmforge-shared-pg").running);
  EXPECT_EQ(tries, 4);
  const auto& spec = docker.last_spec.at("swarmforge-shared-pg");
  EXPECT_EQ(spec.labels.at("swarmforge.managed-by"), "run-anvil");
  EXPECT_EQ(spec.labels.at("swarmforge.tong.config-hash"), sidecars::config_hash(defs[0]));
  EXPECT_EQ(spec.restart_policy, "unless-stopped");
  EXPECT_EQ(spec.network, "swarmforge-net");
  EXPECT_EQ(spec.aliases, std::vector<std::string>{"pg"});
}

TEST_F(ExecutorTest, ReusedSidecarCostsOneDialAndNoMutation) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  add_running(defs[0]);
  auto plan = plan_for(defs);
  docker.calls.clear();
  execute_plan(deps, plan, defs);
  EXPECT_TRUE(docker.calls.empty()) << docker.calls.front();
  EXPECT_EQ(dialer.dials, 1);
}

TEST_F(ExecutorTest, RecreatesStaleSidecarRemovingTheOldOneFirst) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  add_running(defs[0], std::string(64, 'f'));
  std::string old_id = docker.containers.begin()->second.id;
  execute_plan(deps, plan_for(defs), defs);
  EXPECT_LT(index_of("remove " + old_id), index_of("create swarmforge-shared-pg"));
  EXPECT_NE(docker.containers.at("swarmforge-shared-pg").id, old_id);
}

TEST_F(ExecutorTest, TimeoutNamesSidecarProbeDurationAndLogTail) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  defs[0].readiness.timeout = std::chrono::milliseconds(2000);
  dialer.answer = [](const std::string&, int) { return DialResult::Refused; };
  docker.logs["swarmforge-shared-pg"] = "FATAL: could not bind\n";
  std::string err = error_of(plan_for(defs), defs);
  EXPECT_NE(err.find("sidecar \"pg\" was not ready after 2.0s"), std::string::npos) << err;
  EXPECT_NE(err.find("tcp pg:5432"), std::string::npos) << err;
  EXPECT_NE(err.find("FATAL: could not bind"), std::string::npos) << err;
}

TEST_F(ExecutorTest, ExitedSidecarFailsWithoutWaitingForTimeout) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  dialer.answer = [](const std::string&, int) { return DialResult::Refused; };
  docker.on_start = [&](const std::string& name) {
    docker.containers.at(name).running = false;
    docker.containers.at(name).state = "exited";
  };
  std::string err = error_of(plan_for(defs), defs);
  EXPECT_NE(err.find("stopped before it was ready"), std::string::npos) << err;
  EXPECT_LT(clock.slept, std::chrono::milliseconds(5000));
}

// podman 4.3 fails the start of a process that exits at once, though it ran (seen in e2e:
// "read /proc/7002/cgroup: no such process"): the user needs its exit and its logs, not that.
TEST_F(ExecutorTest, AStartTheEngineCallsFailedButThatRanReportsTheExitWithTheLogs) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  docker.logs["swarmforge-shared-pg"] = "FATAL: bad config\n";
  docker.on_start = [&](const std::string& name) {
    docker.containers.at(name).running = false;
    docker.containers.at(name).state = "exited";
    throw DockerError(500, "read /proc/7002/cgroup: no such process");
  };
  std::string err = error_of(plan_for(defs), defs);
  EXPECT_THAT(err, HasSubstr("stopped before it was ready"));
  EXPECT_THAT(err, HasSubstr("FATAL: bad config"));
  EXPECT_THAT(err, Not(HasSubstr("cgroup")));
  EXPECT_EQ(docker.containers.count("swarmforge-shared-pg"), 1u);  // kept, with its logs
}

TEST_F(ExecutorTest, AStartThatNeverRanStillFailsWithTheDaemonsWordsAndLeavesNothing) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  docker.failing_starts.insert("swarmforge-shared-pg");
  std::string err = error_of(plan_for(defs), defs);
  EXPECT_THAT(err, HasSubstr("OCI runtime create failed (fake)"));
  EXPECT_EQ(docker.containers.count("swarmforge-shared-pg"), 0u);
}

TEST_F(ExecutorTest, RemoteDaemonDegradesToRunningCheckWithOneWarning) {
  std::vector<Definition> defs{port_sidecar("a", 1), port_sidecar("b", 2)};
  docker.local = false;
  execute_plan(deps, plan_for(defs), defs);
  EXPECT_EQ(progress.warnings.size(), 1u);
  EXPECT_EQ(dialer.dials, 0);
}

TEST_F(ExecutorTest, UnreachableNetworkDegradesWithOneWarning) {
  std::vector<Definition> defs{port_sidecar("a", 1), port_sidecar("b", 2)};
  dialer.answer = [](const std::string&, int) { return DialResult::Unreachable; };
  execute_plan(deps, plan_for(defs), defs);
  EXPECT_EQ(progress.warnings.size(), 1u);
}

TEST_F(ExecutorTest, DependentIsCreatedOnlyAfterDependencyIsReady) {
  std::vector<Definition> defs{port_sidecar("app", 80, {"db"}), port_sidecar("db", 5432)};
  bool db_ready = false;
  dialer.answer = [&](const std::string&, int port) {
    if (port == 5432) {
      db_ready = true;
      return DialResult::Connected;
    }
    EXPECT_TRUE(db_ready);
    return DialResult::Connected;
  };
  docker.on_start = [&](const std::string& name) {
    if (name == "swarmforge-shared-app") {
      EXPECT_TRUE(db_ready);
    }
  };
  execute_plan(deps, plan_for(defs), defs);
  EXPECT_LT(index_of("create swarmforge-shared-db"), index_of("create swarmforge-shared-app"));
}

TEST_F(ExecutorTest, FailedDependencyMeansDependentIsNeverCreated) {
  std::vector<Definition> defs{port_sidecar("app", 80, {"db"}), port_sidecar("db", 5432)};
  defs[1].readiness.timeout = std::chrono::milliseconds(500);
  dialer.answer = [](const std::string&, int) { return DialResult::Refused; };
  std::string err = error_of(plan_for(defs), defs);
  EXPECT_NE(err.find("\"db\""), std::string::npos);
  EXPECT_EQ(index_of("create swarmforge-shared-app"), -1);
}

TEST_F(ExecutorTest, NameConflictWithMatchingManagedContainerIsAdopted) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  auto plan = plan_for(defs);  // observed: absent
  add_running(defs[0]);        // a concurrent launcher created it meanwhile
  std::string theirs = docker.containers.begin()->second.id;
  execute_plan(deps, plan, defs);
  EXPECT_EQ(docker.containers.at("swarmforge-shared-pg").id, theirs);
  EXPECT_EQ(docker.count_calls("remove"), 0);
}

TEST_F(ExecutorTest, NameConflictWithUnmanagedContainerIsNeverTouched) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  auto plan = plan_for(defs);
  docker.add_container("swarmforge-shared-pg", true, {});
  std::string err = error_of(plan, defs);
  EXPECT_FALSE(err.empty());
  EXPECT_EQ(docker.count_calls("remove"), 0);
  EXPECT_EQ(docker.count_calls("start"), 0);
}

TEST_F(ExecutorTest, HealthcheckModeWithoutHealthcheckIsAnError) {
  std::vector<Definition> defs{fakes::none_sidecar("w", sidecars::ReadinessMode::Healthcheck)};
  std::string err = error_of(plan_for(defs), defs);
  EXPECT_NE(err.find("defines no HEALTHCHECK"), std::string::npos) << err;
}

TEST_F(ExecutorTest, HealthcheckModeWaitsForHealthy) {
  std::vector<Definition> defs{fakes::none_sidecar("w", sidecars::ReadinessMode::Healthcheck)};
  int inspections = 0;
  docker.on_inspect = [&](ContainerInfo& c) {
    c.has_healthcheck = true;
    c.health = ++inspections < 5 ? "starting" : "healthy";
  };
  execute_plan(deps, plan_for(defs), defs);
  EXPECT_EQ(inspections, 5);
}

TEST_F(ExecutorTest, ExecReadinessReportsLastExitCodeOnTimeout) {
  std::vector<Definition> defs{fakes::none_sidecar("w", sidecars::ReadinessMode::Exec)};
  defs[0].readiness.command = {"check"};
  defs[0].readiness.timeout = std::chrono::milliseconds(1000);
  docker.exec_exit_codes["swarmforge-shared-w"] = 3;
  std::string err = error_of(plan_for(defs), defs);
  EXPECT_NE(err.find("exec check"), std::string::npos) << err;
  EXPECT_NE(err.find("last exit code: 3"), std::string::npos) << err;
}

TEST_F(ExecutorTest, ExecReadinessSucceedsOnExitZero) {
  std::vector<Definition> defs{fakes::none_sidecar("w", sidecars::ReadinessMode::Exec)};
  defs[0].readiness.command = {"check"};
  execute_plan(deps, plan_for(defs), defs);
  EXPECT_EQ(docker.count_calls("exec"), 1);
}

TEST_F(ExecutorTest, DockerSocketTheDaemonCannotSeeFailsTheCreateAndSaysWhy) {
  // The launcher reaches the daemon by a path the daemon's own mount namespace lacks.
  auto ops = fakes::none_sidecar("ops");
  ops.mounts = {{sidecars::Mount::Kind::DockerSocket, true}};
  std::vector<Definition> defs{ops};
  docker.images[ops.image] = "sha256:ops";
  docker.absent_host_paths = {"/private/ns/docker.sock"};
  sidecars::ObservedState o;
  o.image_ids[ops.image] = "sha256:ops";
  o.network_driver = "bridge";
  sidecars::PlanOptions options;
  options.docker_socket = "/private/ns/docker.sock";
  auto plan =
      sidecars::make_plan(defs, o, sidecars::parse_anvil_argv({"docker", "run", "h"}), options);
  std::string error = error_of(plan, defs);
  EXPECT_NE(error.find("sidecar \"ops\": cannot create swarmforge-shared-ops: its docker-socket "
                       "mount binds /private/ns/docker.sock"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("bind source path does not exist"), std::string::npos) << error;
  EXPECT_FALSE(docker.containers.count("swarmforge-shared-ops"));
}

TEST_F(ExecutorTest, InterruptionIsRethrownAsIs) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  dialer.answer = [](const std::string&, int) { return DialResult::Refused; };
  int n = 0;
  interrupt = [&] {
    if (++n > 3) throw Interrupted(2);
  };
  try {
    execute_plan(deps, plan_for(defs), defs);
    FAIL();
  } catch (const Interrupted& e) {
    EXPECT_EQ(e.exit_code(), 130);
  }
}

}  // namespace
}  // namespace run_anvil::launcher

namespace run_anvil::launcher {
namespace {

class ProbeImageTest : public ExecutorTest {
 protected:
  void SetUp() override {
    docker.local = false;
    docker.images["probe:img"] = "sha256:probe";
    deps.probe_image = "probe:img";
  }
  // Probe containers finish at once with `code`.
  void probes_exit_with(int code) {
    docker.on_start = [this, code](const std::string& name) {
      if (name.rfind("swarmforge-probe-", 0) != 0) return;
      auto& c = docker.containers.at(name);
      c.running = false;
      c.state = "exited";
      c.exit_code = code;
    };
  }
  int live_probes() {
    return static_cast<int>(
        std::count_if(docker.containers.begin(), docker.containers.end(),
                      [](const auto& kv) { return kv.first.rfind("swarmforge-probe-", 0) == 0; }));
  }
};

TEST_F(ProbeImageTest, RemoteDaemonProbesFromAThrowawayContainerAndRemovesIt) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  probes_exit_with(0);
  execute_plan(deps, plan_for(defs), defs);
  EXPECT_TRUE(progress.warnings.empty());
  EXPECT_EQ(dialer.dials, 0);
  EXPECT_EQ(docker.count_calls("create swarmforge-probe-pg-"), 1);
  EXPECT_EQ(live_probes(), 0);
  const auto& probe =
      std::find_if(docker.last_spec.begin(), docker.last_spec.end(), [](const auto& kv) {
        return kv.first.rfind("swarmforge-probe-", 0) == 0;
      })->second;
  EXPECT_EQ(probe.network, "swarmforge-net");
  EXPECT_EQ(probe.labels.at("swarmforge.managed-by"), "run-anvil");
  ASSERT_TRUE(probe.entrypoint.has_value());
  EXPECT_EQ((*probe.entrypoint)[4], "pg");
  EXPECT_EQ((*probe.entrypoint)[5], "5432");
}

TEST_F(ProbeImageTest, ProbeThatCannotRunDegradesWithOneWarning) {
  std::vector<Definition> defs{port_sidecar("a", 1), port_sidecar("b", 2)};
  probes_exit_with(127);
  execute_plan(deps, plan_for(defs), defs);
  ASSERT_EQ(progress.warnings.size(), 1u);
  EXPECT_NE(progress.warnings[0].find("does the image have sh and nc"), std::string::npos);
  EXPECT_EQ(live_probes(), 0);
}

TEST_F(ProbeImageTest, MissingProbeImageDegradesWithOneWarning) {
  std::vector<Definition> defs{port_sidecar("a", 1)};
  docker.images.erase("probe:img");
  execute_plan(deps, plan_for(defs), defs);
  ASSERT_EQ(progress.warnings.size(), 1u);
  EXPECT_NE(progress.warnings[0].find("cannot start a probe container"), std::string::npos);
}

TEST_F(ExecutorTest, ExecReadinessAttemptsNeverRunPastTheReadinessTimeout) {
  auto d = fakes::none_sidecar("slow", sidecars::ReadinessMode::Exec);
  d.readiness.command = {"sleep", "300"};
  d.readiness.timeout = std::chrono::milliseconds(25000);
  std::vector<std::chrono::milliseconds> attempts;
  // Every attempt overruns: it takes its whole timeout and fails.
  docker.on_exec = [&](std::chrono::milliseconds t) {
    attempts.push_back(t);
    clock.sleep_for(t);
  };
  docker.exec_exit_codes[sidecars::shared_container_name("slow")] = -1;
  std::vector<Definition> defs{d};
  const auto start = clock.now();
  EXPECT_THROW(execute_plan(deps, plan_for(defs), defs), Error);
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(clock.now() - start);
  ASSERT_FALSE(attempts.empty());
  for (const auto& t : attempts) EXPECT_LE(t, std::chrono::milliseconds(10000));
  // The timeout holds within one poll interval (250 ms at most), not a whole attempt (10 s).
  EXPECT_LE(waited, std::chrono::milliseconds(25000 + 250));
  EXPECT_GE(waited, std::chrono::milliseconds(25000));
}

}  // namespace
}  // namespace run_anvil::launcher
