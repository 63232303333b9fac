#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "definitions_builder.h"
#include "run_anvil/errors.h"
#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/define/validate.h"
#include "run_anvil/sidecars/plan/plan.h"

namespace run_anvil::sidecars {
namespace {

using fakes::none_sidecar;
using fakes::port_sidecar;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Definition session_sidecar(const std::string& name, int port) {
  Definition d = port_sidecar(name, port);
  d.lifecycle = Lifecycle::Session;
  d.restart = "no";
  return d;
}

Definition volume_sidecar(const std::string& name, Lifecycle lifecycle) {
  Definition d = none_sidecar(name);
  d.lifecycle = lifecycle;
  d.interface.kind = InterfaceKind::Volume;
  d.interface.volume = "cache";
  d.interface.mountpoint = "/cache";
  return d;
}

class SessionPlanTest : public ::testing::Test {
 protected:
  ObservedState observed(const std::vector<Definition>& defs, bool network_exists = true) {
    ObservedState o;
    for (const auto& d : defs) o.image_ids[d.image] = "sha256:" + d.name;
    if (network_exists) o.network_driver = "bridge";
    return o;
  }
  PlanOptions options() {
    PlanOptions o;
    o.generated_anvil_name = "anvil-0123456789ab";
    o.workspace = "/home/me/project";
    o.session_labels = {{kLabelSessionId, "s1"}, {kLabelSessionLauncher, "host/boot/1/2"}};
    return o;
  }
  Plan plan(const std::vector<Definition>& defs, std::vector<std::string> argv,
            bool network_exists = true) {
    return make_plan(defs, observed(defs, network_exists), parse_anvil_argv(argv), options());
  }
};

TEST_F(SessionPlanTest, SessionSidecarIsNamedAfterTheAnvilOnTheSessionNetwork) {
  std::vector<Definition> defs{session_sidecar("pg", 5432)};
  Plan p = plan(defs, {"docker", "run", "--name", "agent-1", "h:dev"});
  ASSERT_TRUE(p.session);
  EXPECT_EQ(p.session->anvil_name, "agent-1");
  EXPECT_FALSE(p.session->name_inserted);
  EXPECT_EQ(p.session->network, "swarmforge-session-agent-1");
  ASSERT_EQ(p.steps.size(), 1u);
  EXPECT_EQ(p.steps[0].container, "agent-1-tong-pg");
  EXPECT_TRUE(p.steps[0].session);
  EXPECT_EQ(p.steps[0].action, Action::Create);
  EXPECT_EQ(p.steps[0].network, "swarmforge-session-agent-1");
  EXPECT_THAT(p.steps[0].aliases, ElementsAre("pg"));
  EXPECT_EQ(p.anvil_argv,
            (std::vector<std::string>{"docker", "run", "-e", "SWARMFORGE_TONG_PG_HOST=pg", "-e",
                                      "SWARMFORGE_TONG_PG_PORT=5432", "--network",
                                      "swarmforge-session-agent-1", "--name", "agent-1", "h:dev"}));
}

TEST_F(SessionPlanTest, OnlySessionSidecarsNeedNoSharedNetwork) {
  std::vector<Definition> defs{session_sidecar("pg", 5432)};
  Plan p = plan(defs, {"docker", "run", "--name", "agent-1", "h:dev"}, /*network_exists=*/false);
  EXPECT_EQ(p.network, "");
  EXPECT_FALSE(p.create_network);
}

TEST_F(SessionPlanTest, GeneratedNameIsInsertedWhenTheAnvilHasNone) {
  std::vector<Definition> defs{session_sidecar("pg", 5432)};
  Plan p = plan(defs, {"docker", "run", "--rm", "h:dev", "--name", "not-an-option"});
  ASSERT_TRUE(p.session);
  EXPECT_EQ(p.session->anvil_name, "anvil-0123456789ab");
  EXPECT_TRUE(p.session->name_inserted);
  EXPECT_EQ(p.steps[0].container, "anvil-0123456789ab-tong-pg");
  EXPECT_EQ(p.anvil_argv, (std::vector<std::string>{
                              "docker", "run", "-e", "SWARMFORGE_TONG_PG_HOST=pg", "-e",
                              "SWARMFORGE_TONG_PG_PORT=5432", "--name", "anvil-0123456789ab",
                              "--network", "swarmforge-session-anvil-0123456789ab", "--rm", "h:dev",
                              "--name", "not-an-option"}));
}

TEST_F(SessionPlanTest, AnvilsOwnNetworkIsReplacedInPlaceAndConnectedLater) {
  std::vector<Definition> defs{session_sidecar("pg", 5432)};
  Plan p = plan(defs, {"docker", "run", "--network=agents", "--network-alias", "me", "--name", "a1",
                       "h:dev"});
  ASSERT_TRUE(p.session);
  EXPECT_EQ(p.session->anvil_network, "agents");
  EXPECT_THAT(p.session->anvil_network_aliases, ElementsAre("me"));
  EXPECT_THAT(p.anvil_argv,
              ElementsAre("docker", "run", "-e", "SWARMFORGE_TONG_PG_HOST=pg", "-e",
                          "SWARMFORGE_TONG_PG_PORT=5432", "--network=swarmforge-session-a1",
                          "--network-alias", "me", "--name", "a1", "h:dev"));
}

TEST_F(SessionPlanTest, AnvilNetworkMustExistEvenWhenOnlySessionSidecarsUseIt) {
  std::vector<Definition> defs{session_sidecar("pg", 5432)};
  try {
    plan(defs, {"docker", "run", "--network", "agents", "h:dev"}, /*network_exists=*/false);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("agents does not exist"));
  }
}

TEST_F(SessionPlanTest, SharedSidecarAlsoJoinsTheSessionNetwork) {
  std::vector<Definition> defs{port_sidecar("cache", 6379), session_sidecar("pg", 5432)};
  Plan p = plan(defs, {"docker", "run", "--name", "a1", "h:dev"}, /*network_exists=*/false);
  EXPECT_EQ(p.network, "swarmforge-net");
  EXPECT_TRUE(p.create_network);
  const SidecarStep& cache = p.steps[0];
  EXPECT_EQ(cache.name, "cache");
  EXPECT_FALSE(cache.session);
  EXPECT_EQ(cache.container, "swarmforge-shared-cache");
  EXPECT_EQ(cache.network, "swarmforge-net");
  EXPECT_EQ(cache.session_network, "swarmforge-session-a1");
  EXPECT_TRUE(cache.labels.empty());
}

TEST_F(SessionPlanTest, SessionLabelsAreOnEverySessionStep) {
  std::vector<Definition> defs{session_sidecar("pg", 5432)};
  Plan p = plan(defs, {"docker", "run", "--name", "a1", "h:dev"});
  const auto& labels = p.steps[0].labels;
  EXPECT_EQ(labels.at(kLabelSession), "a1");
  EXPECT_EQ(labels.at(kLabelSessionId), "s1");
  EXPECT_EQ(labels.at(kLabelSessionLauncher), "host/boot/1/2");
  EXPECT_EQ(labels.at(kLabelManagedBy), kManagedByValue);
  EXPECT_EQ(p.session->labels, labels);
}

TEST_F(SessionPlanTest, ExistingContainerOfTheSessionNameIsAnError) {
  std::vector<Definition> defs{session_sidecar("pg", 5432)};
  ObservedState o = observed(defs);
  ObservedContainer c;
  c.id = "other";
  c.name = "a1-tong-pg";
  c.running = true;
  o.containers[c.name] = c;
  try {
    make_plan(defs, o, parse_anvil_argv({"docker", "run", "--name", "a1", "h"}), options());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("a1-tong-pg already exists"));
    EXPECT_THAT(e.what(), HasSubstr("another --name"));
  }
}

TEST_F(SessionPlanTest, AnvilNameThatIsNoContainerNameIsAnError) {
  std::vector<Definition> defs{session_sidecar("pg", 5432)};
  EXPECT_THROW(plan(defs, {"docker", "run", "--name", "bad name", "h"}), Error);
  EXPECT_THROW(plan(defs, {"docker", "run", "--name", "-x", "h"}), Error);
}

TEST_F(SessionPlanTest, NoGeneratedNameAndNoNameIsAnError) {
  std::vector<Definition> defs{session_sidecar("pg", 5432)};
  EXPECT_THROW(make_plan(defs, observed(defs), parse_anvil_argv({"docker", "run", "h"})), Error);
}

TEST_F(SessionPlanTest, WithoutSessionSidecarsNothingChanges) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  Plan p = plan(defs, {"docker", "run", "h:dev"});
  EXPECT_FALSE(p.session);
  EXPECT_EQ(p.anvil_argv,
            (std::vector<std::string>{"docker", "run", "-e", "SWARMFORGE_TONG_PG_HOST=pg", "-e",
                                      "SWARMFORGE_TONG_PG_PORT=5432", "--network", "swarmforge-net",
                                      "h:dev"}));
}

TEST_F(SessionPlanTest, SessionSidecarWithoutNetworkNeedsNoSessionNetwork) {
  Definition worker = none_sidecar("worker");
  worker.lifecycle = Lifecycle::Session;
  std::vector<Definition> defs{worker};
  Plan p = plan(defs, {"docker", "run", "--name", "a1", "h"});
  ASSERT_TRUE(p.session);
  EXPECT_EQ(p.session->network, "");
  EXPECT_EQ(p.steps[0].container, "a1-tong-worker");
  EXPECT_EQ(p.steps[0].network, "");
  EXPECT_THAT(p.anvil_argv, ElementsAre("docker", "run", "--name", "a1", "h"));
}

TEST_F(SessionPlanTest, SharedVolumeIsMountedIntoSidecarAndAnvil) {
  std::vector<Definition> defs{volume_sidecar("store", Lifecycle::Shared)};
  Plan p = plan(defs, {"docker", "run", "h"});
  EXPECT_EQ(p.steps[0].volume, "cache");
  EXPECT_THAT(p.anvil_argv, ElementsAre("docker", "run", "-e", "SWARMFORGE_TONG_STORE_PATH=/cache",
                                        "-v", "cache:/cache", "h"));
}

TEST_F(SessionPlanTest, SessionVolumeIsScopedToTheSession) {
  std::vector<Definition> defs{volume_sidecar("store", Lifecycle::Session)};
  Plan p = plan(defs, {"docker", "run", "--name", "a1", "h"});
  EXPECT_EQ(p.steps[0].volume, "a1-tong-cache");
  EXPECT_THAT(p.session->volumes, ElementsAre("a1-tong-cache"));
  EXPECT_THAT(p.anvil_argv, ElementsAre("docker", "run", "-e", "SWARMFORGE_TONG_STORE_PATH=/cache",
                                        "-v", "a1-tong-cache:/cache", "--name", "a1", "h"));
}

TEST_F(SessionPlanTest, WorkspaceMountTakesTheWorkspacePath) {
  Definition d = session_sidecar("pg", 5432);
  d.mounts.push_back({Mount::Kind::Workspace, true});
  Plan p = plan({d}, {"docker", "run", "--name", "a1", "h"});
  EXPECT_EQ(p.steps[0].workspace, "/home/me/project");
}

TEST_F(SessionPlanTest, WorkspaceWithColonCannotBeBound) {
  Definition d = session_sidecar("pg", 5432);
  d.mounts.push_back({Mount::Kind::Workspace, false});
  PlanOptions o = options();
  o.workspace = "/home/me/a:b";
  EXPECT_THROW(make_plan({d}, observed({d}), parse_anvil_argv({"docker", "run", "h"}), o), Error);
}

TEST_F(SessionPlanTest, LauncherAdditionsJoinTheInjectedEnvSortedAndTheirOptions) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  PlanOptions o = options();
  o.anvil_env = {{"SWARMFORGE_MCP_CONFIG", "/run/swarmforge/mcp.json"}};
  o.anvil_options = {"-v", "/tmp/x/mcp.json:/run/swarmforge/mcp.json:ro"};
  Plan p = make_plan(defs, observed(defs), parse_anvil_argv({"docker", "run", "h"}), o);
  EXPECT_THAT(p.anvil_argv,
              ElementsAre("docker", "run", "-e", "SWARMFORGE_MCP_CONFIG=/run/swarmforge/mcp.json",
                          "-e", "SWARMFORGE_TONG_PG_HOST=pg", "-e", "SWARMFORGE_TONG_PG_PORT=5432",
                          "-v", "/tmp/x/mcp.json:/run/swarmforge/mcp.json:ro", "--network",
                          "swarmforge-net", "h"));
}

TEST(SessionValidateTest, SharedSidecarMayNotDependOnASessionSidecar) {
  Definition shared = port_sidecar("api", 80, {"pg"});
  Definition pg = session_sidecar("pg", 5432);
  auto problems = validate_set({shared, pg});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0].message, HasSubstr("depends on session sidecar \"pg\""));
  EXPECT_TRUE(validate_set({session_sidecar("api", 80), pg}).empty());
}

TEST(SessionValidateTest, TwoVolumeSidecarsMayNotShareAMountpoint) {
  Definition a = volume_sidecar("a", Lifecycle::Shared);
  Definition b = volume_sidecar("b", Lifecycle::Shared);
  auto problems = validate_set({a, b});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0].message, HasSubstr("\"/cache\" is already the mountpoint"));
}

}  // namespace
}  // namespace run_anvil::sidecars
