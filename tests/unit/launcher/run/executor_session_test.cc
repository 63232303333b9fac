#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "definitions_builder.h"
#include "fake_docker.h"
#include "run_anvil/errors.h"
#include "run_anvil/launcher/os/process.h"
#include "run_anvil/launcher/run/executor.h"
#include "run_anvil/sidecars/define/naming.h"

// The executor's session and secrets behaviour: session sidecars are never adopted, the spec
// hook runs before create and the start hook between create and start.
namespace run_anvil::launcher {
namespace {

using sidecars::Definition;
using ::testing::HasSubstr;

class ExecutorSessionTest : public ::testing::Test {
 protected:
  fakes::FakeDocker docker;
  fakes::FakeClock clock;
  fakes::FakeDialer dialer;
  fakes::RecordingProgress progress;
  ExecutorDeps deps{docker, clock, dialer, progress, [] {}};

  sidecars::Plan plan_for(const std::vector<Definition>& defs) {
    sidecars::ObservedState o;
    for (const auto& d : defs) {
      docker.images[d.image] = "sha256:" + d.name;
      o.image_ids[d.image] = docker.images[d.image];
    }
    o.network_driver = "bridge";
    docker.networks["swarmforge-net"] = {"n1", "swarmforge-net", "bridge", {}, {}};
    docker.networks["swarmforge-session-a1"] = {"n2", "swarmforge-session-a1", "bridge", {}, {}};
    sidecars::PlanOptions options;
    options.session_labels = {{sidecars::kLabelSessionId, "s1"}};
    return sidecars::make_plan(
        defs, o, sidecars::parse_anvil_argv({"docker", "run", "--name", "a1", "h"}), options);
  }
  std::ptrdiff_t index_of(const std::string& call) {
    auto it = std::find(docker.calls.begin(), docker.calls.end(), call);
    return it == docker.calls.end() ? -1 : it - docker.calls.begin();
  }
};

Definition session_sidecar(const std::string& name) {
  Definition d = fakes::port_sidecar(name, 5432);
  d.lifecycle = sidecars::Lifecycle::Session;
  return d;
}

TEST_F(ExecutorSessionTest, SessionSidecarIsCreatedOnTheSessionNetworkWithSessionLabels) {
  std::vector<Definition> defs{session_sidecar("pg")};
  execute_plan(deps, plan_for(defs), defs);
  const ContainerSpec& spec = docker.last_spec.at("a1-tong-pg");
  EXPECT_EQ(spec.network, "swarmforge-session-a1");
  EXPECT_EQ(spec.labels.at(sidecars::kLabelSessionId), "s1");
  EXPECT_EQ(spec.labels.at(sidecars::kLabelSession), "a1");
  EXPECT_EQ(spec.labels.at(sidecars::kLabelLifecycle), "session");
  EXPECT_EQ(spec.restart_policy, "unless-stopped");  // as the builder wrote it
}

TEST_F(ExecutorSessionTest, NameConflictOfASessionSidecarIsAnErrorNeverAnAdoption) {
  std::vector<Definition> defs{session_sidecar("pg")};
  auto plan = plan_for(defs);
  // Appears between planning and creation, managed and with the very same definition.
  auto labels = sidecars::container_labels(defs[0], plan.steps[0].config_hash, "sha256:pg");
  labels.insert(plan.steps[0].labels.begin(), plan.steps[0].labels.end());
  docker.add_container("a1-tong-pg", true, labels);
  try {
    execute_plan(deps, plan, defs);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("a1-tong-pg already exists"));
  }
  EXPECT_EQ(docker.count_calls("start"), 0);
}

TEST_F(ExecutorSessionTest, SharedSidecarJoinsTheSessionNetworkBeforeItIsReady) {
  std::vector<Definition> defs{fakes::port_sidecar("cache", 6379)};
  defs.push_back(session_sidecar("pg"));
  defs.back().depends_on = {"cache"};
  execute_plan(deps, plan_for(defs), defs);
  const auto& cache = docker.containers.at("swarmforge-shared-cache");
  ASSERT_TRUE(cache.networks.count("swarmforge-session-a1"));
  EXPECT_EQ(cache.networks.at("swarmforge-session-a1").aliases, std::vector<std::string>{"cache"});
  // Created here: on the session network from its create call (ContainerSpec::more_networks;
  // the adapter connects it before start below API 1.44), no connect afterwards.
  EXPECT_EQ(
      docker.last_spec.at("swarmforge-shared-cache").more_networks.count("swarmforge-session-a1"),
      1u);
  EXPECT_EQ(docker.count_calls("connect swarmforge-session-a1"), 0);
  EXPECT_LT(index_of("create swarmforge-shared-cache"), index_of("create a1-tong-pg"));
}

TEST_F(ExecutorSessionTest, AdoptedSharedSidecarIsConnectedToTheSessionNetwork) {
  std::vector<Definition> defs{fakes::port_sidecar("cache", 6379)};
  defs.push_back(session_sidecar("pg"));
  defs.back().depends_on = {"cache"};
  execute_plan(deps, plan_for(defs), defs);
  // A second session (same anvil name a1) finds cache made by someone else (its create
  // conflicts): the adopted container did not get this session's network at create, so it is
  // connected.
  docker.remove_container(docker.containers.at("a1-tong-pg").id);
  docker.containers.at("swarmforge-shared-cache").networks.erase("swarmforge-session-a1");
  docker.calls.clear();
  execute_plan(deps, plan_for(defs), defs);
  const auto& cache = docker.containers.at("swarmforge-shared-cache");
  EXPECT_EQ(docker.count_calls("connect swarmforge-session-a1 " + cache.id), 1);
  EXPECT_TRUE(cache.networks.count("swarmforge-session-a1"));
}

TEST_F(ExecutorSessionTest, HooksRunBeforeCreateAndAfterStart) {
  std::vector<Definition> defs{fakes::port_sidecar("api", 80)};
  deps.adjust_spec = [](const sidecars::SidecarStep&, ContainerSpec& spec) {
    spec.entrypoint = std::vector<std::string>{"/wrapper"};
  };
  deps.after_start = [this](const sidecars::SidecarStep&, const std::string& id, bool) {
    docker.calls.push_back("hook " + id);
  };
  execute_plan(deps, plan_for(defs), defs);
  EXPECT_EQ(docker.last_spec.at("swarmforge-shared-api").entrypoint,
            std::vector<std::string>{"/wrapper"});
  const std::string id = docker.containers.at("swarmforge-shared-api").id;
  EXPECT_LT(index_of("create swarmforge-shared-api"), index_of("start " + id));
  EXPECT_LT(index_of("start " + id), index_of("hook " + id));
}

TEST_F(ExecutorSessionTest, FailingStartHookRemovesTheContainerItCreated) {
  std::vector<Definition> defs{fakes::port_sidecar("api", 80)};
  deps.after_start = [](const sidecars::SidecarStep&, const std::string&, bool) {
    throw Error("cannot put its secrets");
  };
  try {
    execute_plan(deps, plan_for(defs), defs);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot put its secrets"));
  }
  EXPECT_FALSE(docker.containers.count("swarmforge-shared-api"));
}

TEST_F(ExecutorSessionTest, SignalDuringStartLeavesTheContainerForTheNextLaunchToAdopt) {
  std::vector<Definition> defs{fakes::port_sidecar("api", 80)};
  deps.after_start = [](const sidecars::SidecarStep&, const std::string&, bool) {
    throw Interrupted(15);
  };
  EXPECT_THROW(execute_plan(deps, plan_for(defs), defs), Interrupted);
  EXPECT_TRUE(docker.containers.count("swarmforge-shared-api"))
      << "an interrupted launch exits promptly and leaves what the next one adopts";
  EXPECT_EQ(docker.count_calls("remove"), 0);
}

TEST_F(ExecutorSessionTest, FailedStartRemovesTheHalfMadeContainer) {
  std::vector<Definition> defs{fakes::port_sidecar("api", 80)};
  docker.failing_starts.insert("swarmforge-shared-api");
  EXPECT_THROW(execute_plan(deps, plan_for(defs), defs), Error);
  EXPECT_FALSE(docker.containers.count("swarmforge-shared-api"))
      << "a created container that never started must not stay behind";
}

}  // namespace
}  // namespace run_anvil::launcher
