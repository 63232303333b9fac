#include "run_anvil/sidecars/plan/recreation_policy.h"

#include <gtest/gtest.h>

#include "definitions_builder.h"
#include "run_anvil/errors.h"
#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/plan/config_hash.h"
#include "run_anvil/sidecars/plan/staleness.h"

namespace run_anvil::sidecars {
namespace {

using fakes::port_sidecar;

class RecreationPolicyTest : public ::testing::Test {
 protected:
  // A plan against a running pg whose container was made from `origin` with `hash`.
  void arrange(const std::string& hash, const std::string& origin = "/repo/pg.toml",
               bool running = true) {
    defs = {port_sidecar("pg", 5432)};
    observed.image_ids[defs[0].image] = "sha256:pg";
    observed.network_driver = "bridge";
    ObservedContainer c;
    c.id = "cid-pg";
    c.name = shared_container_name("pg");
    c.running = running;
    c.labels = container_labels(defs[0], hash, "sha256:pg");
    if (!origin.empty()) c.labels[kLabelDefinition] = origin;
    c.network_ips["swarmforge-net"] = running ? "172.18.0.7" : "";
    observed.containers[c.name] = c;
    plan = make_plan(defs, observed, parse_anvil_argv({"docker", "run", "h"}));
    // What the launcher's lstat would say: another file that exists.
    origin_verdict = origin.empty() || origin == "/repo/pg.toml" ? Origin::Ours : Origin::Foreign;
  }

  std::vector<std::string> apply(std::set<std::string> forced = {}) {
    RecreationInputs in{observed, users, std::move(forced), {{"pg", "/repo/pg.toml"}}};
    in.container_origins[shared_container_name("pg")] = origin_verdict;
    in.untrusted = untrusted;
    return apply_recreation_policy(plan, in);
  }

  Origin origin_verdict = Origin::Ours;
  std::set<std::string> untrusted;

  std::vector<Definition> defs;
  ObservedState observed;
  SidecarUsers users;
  Plan plan;
};

TEST_F(RecreationPolicyTest, StaleSidecarInUseIsKeptWithWarning) {
  arrange("old-hash");
  users["swarmforge-shared-pg"] = {"agent-1"};
  ASSERT_EQ(plan.steps[0].action, Action::Recreate);
  auto warnings = apply();
  EXPECT_EQ(plan.steps[0].action, Action::Reuse);
  EXPECT_EQ(plan.steps[0].reason, "stale (config changed), kept: in use by agent-1");
  EXPECT_EQ(plan.steps[0].observed_ip, "172.18.0.7");
  EXPECT_FALSE(plan.steps[0].connect);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0],
            "pg is stale (config changed) but in use by agent-1; keeping the running one. "
            "Recreate with `run-anvil --recreate pg` or `run-anvil down pg` when it is free");
}

TEST_F(RecreationPolicyTest, StaleSidecarNobodyUsesIsRecreatedSilently) {
  arrange("old-hash");
  users["swarmforge-shared-pg"] = {};
  EXPECT_TRUE(apply().empty());
  EXPECT_EQ(plan.steps[0].action, Action::Recreate);
}

TEST_F(RecreationPolicyTest, KeptSidecarNotOnTheAnvilNetworkIsConnected) {
  arrange("old-hash");
  observed.containers["swarmforge-shared-pg"].network_ips = {{"other-net", "10.0.0.2"}};
  users["swarmforge-shared-pg"] = {"agent-1"};
  apply();
  EXPECT_EQ(plan.steps[0].action, Action::Reuse);
  EXPECT_TRUE(plan.steps[0].connect);
}

TEST_F(RecreationPolicyTest, RecreateFlagRecreatesInUseSidecarAndWarnsItsUsers) {
  arrange(config_hash(port_sidecar("pg", 5432)));
  ASSERT_EQ(plan.steps[0].action, Action::Reuse);
  plan.steps[0].action = Action::Recreate;  // what --recreate does first
  plan.steps[0].reason = "--recreate";
  users["swarmforge-shared-pg"] = {"agent-1", "agent-2"};
  auto warnings = apply({"pg"});
  EXPECT_EQ(plan.steps[0].action, Action::Recreate);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("recreating pg although agent-1 and agent-2 use it (--recreate)"),
            std::string::npos)
      << warnings[0];
}

TEST_F(RecreationPolicyTest, InUseSidecarFromAnotherProjectsDefinitionIsKeptAndExplained) {
  arrange("their-hash", "/other/repo/pg.toml");
  users["swarmforge-shared-pg"] = {"agent-9"};
  auto warnings = apply();
  EXPECT_EQ(plan.steps[0].action, Action::Reuse);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("/other/repo/pg.toml"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("two projects define a shared sidecar of this name differently"),
            std::string::npos);
  EXPECT_NE(warnings[0].find("rename the sidecar in one of the projects"), std::string::npos);
}

TEST_F(RecreationPolicyTest, UnusedSidecarFromAnotherProjectIsReplacedWithAThrashWarning) {
  arrange("their-hash", "/other/repo/pg.toml");
  auto warnings = apply();
  EXPECT_EQ(plan.steps[0].action, Action::Recreate);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("replace each other's container on every launch"), std::string::npos);
}

TEST_F(RecreationPolicyTest, StoppedStaleSidecarNeedsNoUsersLookup) {
  arrange("old-hash", "/repo/pg.toml", /*running=*/false);
  EXPECT_TRUE(containers_needing_users(plan, observed).empty());
  EXPECT_TRUE(apply().empty());
  EXPECT_EQ(plan.steps[0].action, Action::Recreate);
}

TEST_F(RecreationPolicyTest, WarmPathNeedsNoUsersLookup) {
  arrange(config_hash(port_sidecar("pg", 5432)));
  EXPECT_EQ(plan.steps[0].action, Action::Reuse);
  EXPECT_TRUE(containers_needing_users(plan, observed).empty());
}

TEST_F(RecreationPolicyTest, RunningStaleSidecarNeedsUsersLookup) {
  arrange("old-hash");
  EXPECT_EQ(containers_needing_users(plan, observed),
            std::vector<std::string>{"swarmforge-shared-pg"});
}

TEST_F(RecreationPolicyTest, MovedProjectsOwnContainerIsReplacedWithoutCallingItAnotherProject) {
  arrange("old-hash", "/old/place/pg.toml");
  origin_verdict = Origin::Gone;  // nothing at the old path any more
  EXPECT_TRUE(apply().empty());
  EXPECT_EQ(plan.steps[0].action, Action::Recreate);
}

TEST_F(RecreationPolicyTest, DefinitionThatCannotBeCheckedCountsAsAnotherProjects) {
  arrange("their-hash", "/home/other/pg.toml");
  origin_verdict = Origin::Unknown;
  auto warnings = apply();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("/home/other/pg.toml"), std::string::npos) << warnings[0];
}

TEST_F(RecreationPolicyTest, WorkspaceDefinitionNeverReplacesAnotherProjectsContainer) {
  arrange("their-hash", "/other/repo/pg.toml");
  untrusted = {"pg"};
  try {
    apply();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("workspace sidecar \"pg\" would use swarmforge-shared-pg, "
                                         "which was created from /other/repo/pg.toml, another "
                                         "project's definition"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(RecreationPolicyTest, WorkspaceDefinitionNeverReusesAnotherProjectsContainer) {
  // Same config: a reuse, still another project's data.
  arrange(config_hash(port_sidecar("pg", 5432)), "/other/repo/pg.toml");
  ASSERT_EQ(plan.steps[0].action, Action::Reuse);
  untrusted = {"pg"};
  EXPECT_THROW(apply(), Error);
  origin_verdict = Origin::Ours;
  EXPECT_NO_THROW(apply());
}

TEST(JoinNames, JoinsLikeEnglish) {
  EXPECT_EQ(join_names({}), "");
  EXPECT_EQ(join_names({"a"}), "a");
  EXPECT_EQ(join_names({"a", "b"}), "a and b");
  EXPECT_EQ(join_names({"a", "b", "c"}), "a, b and c");
}

TEST(StaleReason, ConfigHashDifferenceIsConfigChanged) {
  std::map<std::string, std::string> labels{{kLabelHash, "h1"}, {kLabelImageId, "sha256:a"}};
  EXPECT_EQ(stale_reason(labels, "h2", "sha256:a"), "config changed");
  EXPECT_EQ(stale_reason(labels, "h1", "sha256:b"), "image rebuilt");
  EXPECT_EQ(stale_reason(labels, "h1", "sha256:a"), std::nullopt);
  EXPECT_EQ(stale_reason(labels, "h1", ""), std::nullopt) << "unknown image: not provably stale";
  EXPECT_EQ(stale_reason({{kLabelHash, "h1"}}, "h1", "sha256:a"), "image rebuilt");
}

}  // namespace
}  // namespace run_anvil::sidecars
