#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "definitions_builder.h"
#include "fake_docker.h"
#include "run_anvil/launcher/resources/observe.h"
#include "run_anvil/launcher/run/executor.h"
#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/plan/config_hash.h"

// Carrying out the data rules (SPEC §11) against the stateful fake: start instead of recreate,
// graceful stop before removal, volumes kept and reattached, the image's anonymous volumes carried
// over, a container that cannot start replaced.
namespace run_anvil::launcher {
namespace {

using fakes::port_sidecar;
using sidecars::Definition;
using ::testing::HasSubstr;

const std::string kName = "swarmforge-shared-pg";

class ExecutorDataTest : public ::testing::Test {
 protected:
  fakes::FakeDocker docker;
  fakes::FakeClock clock;
  fakes::FakeDialer dialer;
  fakes::RecordingProgress progress;
  ExecutorDeps deps{docker, clock, dialer, progress, [] {}};
  std::vector<Definition> defs{pg()};

  static Definition pg() {
    Definition d = port_sidecar("pg", 5432);
    d.volumes = {{sidecars::Volume::Kind::Named, "data", "/var/lib/pg", false, "data:/var/lib/pg"}};
    return d;
  }

  void SetUp() override {
    docker.images[defs[0].image] = "sha256:pg";
    docker.networks["swarmforge-net"] = {"n1", "swarmforge-net", "bridge", {}, {}};
  }

  // Observes the fake like `run` does, then plans.
  sidecars::Plan plan() {
    auto observed = observe(docker, defs, "swarmforge-net", nullptr);
    return sidecars::make_plan(defs, observed, sidecars::parse_anvil_argv({"docker", "run", "h"}));
  }
  void launch() { execute_plan(deps, plan(), defs); }

  std::ptrdiff_t index_of(const std::string& call) {
    auto it = std::find(docker.calls.begin(), docker.calls.end(), call);
    return it == docker.calls.end() ? -1 : it - docker.calls.begin();
  }
  std::string id() { return docker.containers.at(kName).id; }
};

TEST_F(ExecutorDataTest, CreatesTheManagedVolumeLabelledAndMountsIt) {
  launch();
  ASSERT_TRUE(docker.volumes.count("swarmforge-pg-data"));
  EXPECT_EQ(docker.volumes.at("swarmforge-pg-data").at(sidecars::kLabelName), "pg");
  EXPECT_EQ(docker.volumes.at("swarmforge-pg-data").at(sidecars::kLabelManagedBy), "run-anvil");
  EXPECT_THAT(docker.last_spec.at(kName).binds,
              ::testing::Contains("swarmforge-pg-data:/var/lib/pg"));
}

TEST_F(ExecutorDataTest, StoppedContainerWithMatchingConfigIsStartedNotRecreated) {
  launch();
  std::string first = id();
  docker.stop_container(first, std::nullopt);
  docker.calls.clear();
  launch();
  EXPECT_EQ(id(), first);
  EXPECT_EQ(docker.count_calls("create"), 0);
  EXPECT_EQ(docker.count_calls("remove"), 0);
  EXPECT_EQ(docker.count_calls("start " + first), 1);
  // The restart policy goes back to the definition's once it is ready (a failed start may have
  // set it to "no").
  EXPECT_EQ(docker.restart_policies.at(first), "unless-stopped");
  EXPECT_THAT(progress.lines,
              ::testing::Contains(HasSubstr("starting " + kName + " (stopped, config matches)")));
}

TEST_F(ExecutorDataTest, RecreateStopsGracefullyBeforeRemovingAndKeepsVolumes) {
  launch();
  std::string old = id();
  defs[0].resources.memory_bytes = 64 << 20;  // an edit: stale
  docker.calls.clear();
  launch();
  EXPECT_NE(id(), old);
  auto stop = index_of("stop " + old);
  auto remove = index_of("remove-keep-volumes " + old);
  ASSERT_GE(stop, 0);
  EXPECT_LT(stop, remove);
  EXPECT_LT(remove, index_of("create " + kName));
  EXPECT_EQ(docker.count_calls("remove " + old), 0);  // never with its anonymous volumes
  EXPECT_TRUE(docker.volumes.count("swarmforge-pg-data"));
  EXPECT_THAT(docker.last_spec.at(kName).binds,
              ::testing::Contains("swarmforge-pg-data:/var/lib/pg"));
  EXPECT_THAT(progress.lines,
              ::testing::Contains(HasSubstr("recreating (config changed; keeps volume data "
                                            "(/var/lib/pg); discards the rest")));
}

TEST_F(ExecutorDataTest, ImageAnonymousVolumeGoesOverToTheReplacement) {
  defs[0].volumes.clear();
  docker.image_configs[defs[0].image].volumes = {"/anon"};
  launch();
  std::string anonymous = docker.containers.at(kName).mounts.at(0).name;
  ASSERT_EQ(anonymous.size(), 64u);
  defs[0].resources.memory_bytes = 64 << 20;
  launch();
  EXPECT_THAT(docker.last_spec.at(kName).binds, ::testing::Contains(anonymous + ":/anon"));
  EXPECT_EQ(docker.containers.at(kName).mounts.at(0).name, anonymous);
}

TEST_F(ExecutorDataTest, StopSignalAndTimeoutGoIntoTheContainer) {
  defs[0].stop_signal = "SIGINT";
  defs[0].stop_timeout = std::chrono::seconds(30);
  launch();
  EXPECT_EQ(docker.last_spec.at(kName).stop_signal, "SIGINT");
  EXPECT_EQ(docker.last_spec.at(kName).stop_timeout, 30);
}

TEST_F(ExecutorDataTest, ContainerThatCannotStartIsReplacedWithItsVolumesKept) {
  launch();
  std::string stuck = id();
  docker.stop_container(stuck, std::nullopt);
  docker.containers.at(kName).state = "created";
  docker.before_start = [&](const std::string&) {
    if (docker.containers.at(kName).id == stuck) {
      throw DockerError(500, "task " + stuck + ": already exists");
    }
  };
  launch();
  EXPECT_NE(id(), stuck);
  EXPECT_TRUE(docker.containers.at(kName).running);
  EXPECT_GE(index_of("remove-keep-volumes " + stuck), 0);
  EXPECT_TRUE(docker.volumes.count("swarmforge-pg-data"));
  EXPECT_THAT(progress.lines,
              ::testing::Contains(HasSubstr("already exists); replacing it: keeps volume data")));
}

TEST_F(ExecutorDataTest, CrashLoopingFirstStartIsStoppedAndReportsTheRealExitCode) {
  int starts = 0;
  docker.on_start = [&](const std::string& name) {
    // Under its restart policy it exits with 3 and comes back: the daemon shows it running with
    // exit code 0 and a growing restart count.
    auto& c = docker.containers.at(name);
    ++starts;
    c.exit_code = 3;
  };
  dialer.answer = [](const std::string&, int) { return DialResult::Refused; };
  int inspections = 0;
  docker.on_inspect = [&](ContainerInfo& c) {
    if (docker.restart_policies.count(c.id) && docker.restart_policies.at(c.id) == "no") {
      c.running = false;  // the attempt under way ends, and nothing restarts it
      c.state = "exited";
      c.exit_code = 3;
      return;
    }
    c.restart_count = ++inspections;  // restarting over and over
    c.exit_code = 0;
  };
  std::string err;
  try {
    launch();
  } catch (const Error& e) {
    err = e.what();
  }
  EXPECT_THAT(err, HasSubstr("exited with code 3"));
  EXPECT_THAT(err, HasSubstr("restart policy is now \"no\""));
  EXPECT_EQ(docker.restart_policies.at(id()), "no");
  EXPECT_TRUE(docker.containers.count(kName));  // kept: its volumes and file system hold data
}

// podman 4.3 cannot change a restart policy after create: a stopped sidecar is started with the
// policy it was created with, and nothing tries to update it (its 404 failed every launch).
TEST_F(ExecutorDataTest, EngineWithoutPolicyUpdatesStartsAStoppedSidecarWithoutUpdatingIt) {
  docker.policy_updates = false;
  launch();
  std::string first = id();
  docker.stop_container(first, std::nullopt);
  docker.calls.clear();
  launch();
  EXPECT_EQ(id(), first);
  EXPECT_EQ(docker.count_calls("start " + first), 1);
  EXPECT_EQ(docker.count_calls("restart-policy"), 0);
  EXPECT_TRUE(docker.containers.at(kName).running);
}

// ... and a crash-looping first start there is stopped (podman restarts no container a user
// stopped) instead of having its policy turned off, with the real exit code reported.
TEST_F(ExecutorDataTest, EngineWithoutPolicyUpdatesStopsACrashLoopAndReportsTheRealExitCode) {
  docker.policy_updates = false;
  dialer.answer = [](const std::string&, int) { return DialResult::Refused; };
  docker.on_inspect = [&](ContainerInfo& c) {
    // podman 4.3 between two restarts: "stopped" with the real exit code, never "restarting";
    // after a stop by the user, "exited", and its policy starts it no more.
    if (c.state == "exited") return;
    c.running = false;
    c.state = "stopped";
    c.exit_code = 3;
  };
  std::string err;
  try {
    launch();
  } catch (const Error& e) {
    err = e.what();
  }
  EXPECT_THAT(err, HasSubstr("exited with code 3"));
  EXPECT_THAT(err, HasSubstr("now stopped"));
  EXPECT_THAT(err, HasSubstr("podman cannot change its restart policy"));
  EXPECT_EQ(docker.count_calls("restart-policy"), 0);
  EXPECT_GE(docker.count_calls("stop " + id()), 1);
  EXPECT_EQ(docker.containers.at(kName).state, "exited");
}

}  // namespace
}  // namespace run_anvil::launcher
