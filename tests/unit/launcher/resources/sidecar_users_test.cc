#include <gtest/gtest.h>

#include "definitions_builder.h"
#include "fake_docker.h"
#include "run_anvil/launcher/resources/find_sidecar_users.h"
#include "run_anvil/launcher/run/safe_recreation.h"
#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/plan/config_hash.h"

namespace run_anvil::launcher {
namespace {

using fakes::port_sidecar;

TEST(SidecarUsers, EnvMentionsOnlyTheExactSidecarsCoordinates) {
  EXPECT_TRUE(env_mentions_sidecar({"SWARMFORGE_TONG_PG_HOST"}, "pg"));
  EXPECT_TRUE(env_mentions_sidecar({"SWARMFORGE_TONG_PG_TEST_01_PORT"}, "pg.test-01"));
  EXPECT_TRUE(env_mentions_sidecar({"SWARMFORGE_TONG_GH_URL"}, "gh"));
  EXPECT_TRUE(env_mentions_sidecar({"SWARMFORGE_TONG_CACHE_PATH"}, "cache"));
  EXPECT_FALSE(env_mentions_sidecar({"SWARMFORGE_TONG_PG_TEST_HOST"}, "pg"));
  EXPECT_FALSE(env_mentions_sidecar({"SWARMFORGE_TONG_PG_PASSWORD"}, "pg"));
  EXPECT_FALSE(env_mentions_sidecar({}, "pg"));
}

TEST(SidecarUsers, UserMustShareANetworkAndRun) {
  SidecarContainer s{"sid", "swarmforge-shared-pg", "pg", {"agents"}};
  ContainerInfo c;
  c.name = "agent";
  c.running = true;
  c.env_keys = {"SWARMFORGE_TONG_PG_HOST"};
  c.networks["agents"] = {};
  EXPECT_EQ(match_users({s}, {c}).at("swarmforge-shared-pg"), std::vector<std::string>{"agent"});
  c.running = false;
  EXPECT_TRUE(match_users({s}, {c}).at("swarmforge-shared-pg").empty());
  c.running = true;
  c.networks = {{"elsewhere", {}}};
  EXPECT_TRUE(match_users({s}, {c}).at("swarmforge-shared-pg").empty());
}

class FindUsersTest : public ::testing::Test {
 protected:
  FindUsersTest() {
    docker.networks["agents"] = {"net-agents", "agents", "bridge", {}, {}};
    auto& sidecar = docker.add_container(
        "swarmforge-shared-pg", true,
        {{sidecars::kLabelManagedBy, sidecars::kManagedByValue}, {sidecars::kLabelName, "pg"}});
    sidecar.networks["agents"] = {"net-agents", "10.0.0.2", {"pg"}};
    pg = sidecar_container(sidecar);
  }
  ContainerInfo& anvil(const std::string& name, std::vector<std::string> env) {
    auto& c = docker.add_container(name, true, {});
    c.env_keys = std::move(env);
    c.networks["agents"] = {"net-agents", "10.0.0.9", {}};
    return c;
  }
  fakes::FakeDocker docker;
  SidecarContainer pg;
};

TEST_F(FindUsersTest, FindsAnvilsThroughTheSidecarsNetworks) {
  anvil("agent-1", {"SWARMFORGE_TONG_PG_HOST", "SWARMFORGE_TONG_PG_PORT"});
  anvil("bystander", {"HOME"});
  auto users = find_sidecar_users(docker, {pg});
  EXPECT_EQ(users.at("swarmforge-shared-pg"), std::vector<std::string>{"agent-1"});
  EXPECT_EQ(docker.count_calls("inspect swarmforge-shared-pg"), 0) << "the sidecar itself";
}

TEST_F(FindUsersTest, ManagedContainersAreNeverUsers) {
  auto& other = anvil("swarmforge-shared-app", {"SWARMFORGE_TONG_PG_HOST"});
  other.labels = {{sidecars::kLabelManagedBy, sidecars::kManagedByValue}};
  EXPECT_TRUE(find_sidecar_users(docker, {pg}).at("swarmforge-shared-pg").empty());
}

TEST_F(FindUsersTest, KnownIdsAreNotInspected) {
  auto& a = anvil("agent-1", {"SWARMFORGE_TONG_PG_HOST"});
  find_sidecar_users(docker, {pg}, {a.id});
  EXPECT_EQ(docker.count_calls("inspect "), 0);
}

class SafeRecreationTest : public ::testing::Test {
 protected:
  sidecars::ObservedState observe_all() {
    sidecars::ObservedState o;
    o.image_ids[defs[0].image] = "sha256:pg";
    o.network_driver = "bridge";
    for (const auto& [name, c] : docker.containers) {
      sidecars::ObservedContainer oc{c.id, name, c.running, c.state, c.labels, {}, {}};
      for (const auto& [net, a] : c.networks) oc.network_ips[net] = a.ip;
      o.containers[name] = oc;
    }
    return o;
  }
  void add_pg(const std::string& hash) {
    auto labels = sidecars::container_labels(defs[0], hash, "sha256:pg");
    labels[sidecars::kLabelDefinition] = defs[0].file;  // made from this project's file
    auto& c = docker.add_container("swarmforge-shared-pg", true, labels);
    c.networks["swarmforge-net"] = {"net-swarmforge-net", "172.18.0.2", {"pg"}};
  }
  sidecars::Plan plan(const sidecars::ObservedState& o) {
    return sidecars::make_plan(defs, o, sidecars::parse_anvil_argv({"docker", "run", "h"}));
  }

  fakes::FakeDocker docker;
  std::vector<sidecars::Definition> defs{port_sidecar("pg", 5432)};
};

TEST_F(SafeRecreationTest, WarmPathMakesNoExtraDaemonCall) {
  docker.networks["swarmforge-net"] = {"net-swarmforge-net", "swarmforge-net", "bridge", {}, {}};
  add_pg(sidecars::config_hash(defs[0]));
  auto o = observe_all();
  auto p = plan(o);
  docker.calls.clear();
  EXPECT_TRUE(apply_safe_recreation(docker, o, defs, {}, p).empty());
  EXPECT_TRUE(docker.calls.empty());
  EXPECT_EQ(p.steps[0].action, sidecars::Action::Reuse);
}

TEST_F(SafeRecreationTest, StaleSidecarAnAnvilUsesIsKept) {
  docker.networks["swarmforge-net"] = {"net-swarmforge-net", "swarmforge-net", "bridge", {}, {}};
  add_pg("old-hash");
  auto& a = docker.add_container("agent-1", true, {});
  a.env_keys = {"SWARMFORGE_TONG_PG_HOST"};
  a.networks["swarmforge-net"] = {"net-swarmforge-net", "172.18.0.3", {}};
  auto o = observe_all();
  o.containers.erase("agent-1");  // observe() only lists managed containers
  auto p = plan(o);
  auto warnings = apply_safe_recreation(docker, o, defs, {}, p);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("in use by agent-1; keeping the running one"), std::string::npos)
      << warnings[0];
  EXPECT_EQ(p.steps[0].action, sidecars::Action::Reuse);
  EXPECT_EQ(p.steps[0].observed_ip, "172.18.0.2");
}

}  // namespace
}  // namespace run_anvil::launcher
