#include "mock_engine.h"
#include "operate_fixture.h"
#include "run_anvil/launcher/resources/sidecar_removal.h"
#include "run_anvil/sidecars/define/ownership.h"

namespace run_anvil::launcher {
namespace {

using fakes::port_sidecar;

class DownTest : public OperateTest {
 protected:
  int down(std::vector<std::string> names = {}, bool force = false) {
    auto d = deps();
    return take_down(d, discovery, names, force);
  }
};

TEST_F(DownTest, RemovesEveryDiscoveredSharedSidecarDependentsFirst) {
  auto& db = define(port_sidecar("db", 5432));
  auto& app = define(port_sidecar("app", 80, {"db"}));
  std::string db_id = add_sidecar(db).id;
  std::string app_id = add_sidecar(app).id;
  EXPECT_EQ(down(), 0);
  EXPECT_TRUE(docker.containers.empty());
  EXPECT_LT(index_of("remove-keep-volumes " + app_id), index_of("stop " + db_id));
  EXPECT_NE(err.str().find("removed app (swarmforge-shared-app)"), std::string::npos) << err.str();
  EXPECT_NE(err.str().find("removed db (swarmforge-shared-db)"), std::string::npos);
}

TEST_F(DownTest, DetachesFromNetworksBeforeStoppingAndRemoving) {
  auto& pg = define(port_sidecar("pg", 5432));
  auto& c = add_sidecar(pg);
  c.networks["agents"] = {"net-agents", "10.0.0.3", {"pg"}};
  std::string id = c.id;
  EXPECT_EQ(down({"pg"}), 0);
  EXPECT_LT(index_of("disconnect agents " + id), index_of("stop " + id));
  EXPECT_LT(index_of("disconnect swarmforge-net " + id), index_of("stop " + id));
  EXPECT_LT(index_of("stop " + id), index_of("remove-keep-volumes " + id));
}

class DownVolumesTest : public DownTest {
 protected:
  // pg with a managed volume and an anonymous one (its image's VOLUME), and another sidecar's
  // volume, a session's volume of pg, and a volume nobody manages.
  std::string arrange() {
    auto& pg = define(port_sidecar("pg", 5432));
    auto& c = add_sidecar(pg);
    c.mounts = {{"volume", "swarmforge-pg-data", "", "/data", true},
                {"volume", std::string(64, 'e'), "", "/anon", true},
                {"volume", "users-own", "", "/cache", true}};
    docker.volumes["swarmforge-pg-data"] = {{sidecars::kLabelManagedBy, "run-anvil"},
                                            {sidecars::kLabelName, "pg"}};
    docker.volumes[std::string(64, 'e')] = {};
    docker.volumes["users-own"] = {};
    docker.volumes["swarmforge-cache-data"] = {{sidecars::kLabelManagedBy, "run-anvil"},
                                               {sidecars::kLabelName, "cache"}};
    docker.volumes["agent-tong-pg-data"] = {{sidecars::kLabelManagedBy, "run-anvil"},
                                            {sidecars::kLabelName, "pg"},
                                            {sidecars::kLabelSession, "agent"}};
    return c.id;
  }
  int down_volumes(std::vector<std::string> names) {
    auto d = deps();
    return take_down(d, discovery, names, false, true);
  }
};

TEST_F(DownVolumesTest, DownKeepsTheDataVolumesAndNamesThem) {
  arrange();
  EXPECT_EQ(down({"pg"}), 0);
  EXPECT_EQ(docker.volumes.size(), 5u);
  EXPECT_NE(err.str().find("pg: kept its data in " + std::string(64, 'e') +
                           ", swarmforge-pg-data (`run-anvil down --volumes pg` removes it)"),
            std::string::npos)
      << err.str();
}

TEST_F(DownVolumesTest, DownVolumesRemovesOnlyTheVolumesItProvablyOwns) {
  std::string id = arrange();
  EXPECT_EQ(down_volumes({"pg"}), 0);
  EXPECT_FALSE(docker.volumes.count("swarmforge-pg-data"));
  EXPECT_FALSE(docker.volumes.count(std::string(64, 'e')));
  EXPECT_TRUE(docker.volumes.count("users-own"));              // a name the user chose
  EXPECT_TRUE(docker.volumes.count("swarmforge-cache-data"));  // another sidecar's
  EXPECT_TRUE(docker.volumes.count("agent-tong-pg-data"));     // a session's
  EXPECT_LT(index_of("remove-keep-volumes " + id), index_of("volume remove swarmforge-pg-data"));
}

TEST_F(DownVolumesTest, DownVolumesOfASidecarWithoutContainerRemovesItsManagedVolumes) {
  arrange();
  docker.containers.clear();
  EXPECT_EQ(down_volumes({"pg"}), 0);
  EXPECT_FALSE(docker.volumes.count("swarmforge-pg-data"));
  EXPECT_TRUE(docker.volumes.count(std::string(64, 'e')));  // not provably pg's any more
}

TEST_F(DownVolumesTest, UnnamedDownVolumesWithoutAContainerKeepsTheVolumes) {
  // Nothing proves the volume is this project's rather than another's sidecar of the same name.
  arrange();
  docker.containers.clear();
  EXPECT_EQ(down_volumes({}), 0);
  EXPECT_TRUE(docker.volumes.count("swarmforge-pg-data"));
  EXPECT_EQ(docker.count_calls("volume remove"), 0);
  EXPECT_NE(err.str().find("pg: kept its data in swarmforge-pg-data: no container of it proves "
                           "whose data that is (`run-anvil down --volumes pg` removes it)"),
            std::string::npos)
      << err.str();
}

TEST_F(DownTest, StoppedSidecarIsRemovedWithoutStopping) {
  auto& pg = define(port_sidecar("pg", 5432));
  add_sidecar(pg, false);
  EXPECT_EQ(down({"pg"}), 0);
  EXPECT_EQ(docker.count_calls("stop "), 0);
  EXPECT_TRUE(docker.containers.empty());
}

TEST_F(DownTest, NamedSidecarWithoutDefinitionCanBeTakenDown) {
  add_sidecar(port_sidecar("old", 80), true, "", "/gone/old.toml");
  EXPECT_EQ(down({"old"}), 0);
  EXPECT_TRUE(docker.containers.empty());
}

TEST_F(DownTest, RefusesASidecarARunningAnvilUsesAndSaysWho) {
  auto& pg = define(port_sidecar("pg", 5432));
  add_sidecar(pg);
  add_anvil("agent-1", "pg");
  EXPECT_EQ(down({"pg"}), 1);
  EXPECT_TRUE(docker.containers.count("swarmforge-shared-pg"));
  EXPECT_EQ(docker.count_calls("stop "), 0);
  EXPECT_EQ(docker.count_calls("disconnect "), 0);
  EXPECT_NE(err.str().find("pg: not removed: in use by agent-1; stop it first, or use --force"),
            std::string::npos)
      << err.str();
}

TEST_F(DownTest, ForceRemovesASidecarInUse) {
  auto& pg = define(port_sidecar("pg", 5432));
  add_sidecar(pg);
  add_anvil("agent-1", "pg");
  EXPECT_EQ(down({"pg"}, true), 0);
  EXPECT_FALSE(docker.containers.count("swarmforge-shared-pg"));
  EXPECT_TRUE(docker.containers.count("agent-1")) << "the anvil itself is never touched";
  EXPECT_NE(err.str().find("although agent-1 used it (--force)"), std::string::npos);
}

TEST_F(DownTest, NeverTouchesAnUnmanagedContainerOfThatName) {
  define(port_sidecar("pg", 5432));
  docker.add_container("swarmforge-shared-pg", true, {});
  EXPECT_EQ(down({}, true), 1);
  EXPECT_TRUE(docker.containers.at("swarmforge-shared-pg").running);
  EXPECT_EQ(docker.count_calls("remove"), 0);
  EXPECT_EQ(docker.count_calls("stop "), 0);
  EXPECT_NE(err.str().find("is not managed by run-anvil"), std::string::npos) << err.str();
}

TEST_F(DownTest, RemovesTheOthersEvenWhenOneIsRefused) {
  auto& a = define(port_sidecar("a", 1));
  auto& b = define(port_sidecar("b", 2));
  add_sidecar(a);
  add_sidecar(b);
  add_anvil("agent-1", "a");
  EXPECT_EQ(down(), 1);
  EXPECT_TRUE(docker.containers.count("swarmforge-shared-a"));
  EXPECT_FALSE(docker.containers.count("swarmforge-shared-b"));
}

TEST_F(DownTest, NothingToRemoveIsSuccess) {
  define(port_sidecar("pg", 5432));
  EXPECT_EQ(down(), 0);
  EXPECT_NE(err.str().find("pg: nothing to remove"), std::string::npos) << err.str();
  EXPECT_EQ(down({"nope"}), 1);  // an unknown name is an error (issue 16)
}

TEST_F(DownTest, NothingDeclaredAndNoNamesSaysHowToNameThem) {
  EXPECT_EQ(down(), 0);
  EXPECT_NE(err.str().find("`run-anvil down NAME`"), std::string::npos) << err.str();
}

TEST_F(DownTest, SessionSidecarsAreNotTakenDownByName) {
  auto d = fakes::none_sidecar("cache");
  d.lifecycle = sidecars::Lifecycle::Session;
  docker.add_container("agent-1-tong-cache", true,
                       sidecars::container_labels(d, sidecars::config_hash(d), "sha256:x"));
  EXPECT_EQ(down({"cache"}), 0);
  EXPECT_TRUE(docker.containers.count("agent-1-tong-cache"));
  EXPECT_NE(err.str().find("session sidecar"), std::string::npos) << err.str();
}

// A definition file that exists on disk and is not this project's.
const std::string kOtherProjectsFile = RUN_ANVIL_TEST_DATA "/definitions/pg.toml";

TEST_F(DownTest, WithoutNamesNeverRemovesAnotherProjectsContainerOfTheSameName) {
  auto& pg = define(port_sidecar("pg", 5432));
  add_sidecar(pg, true, "", kOtherProjectsFile);
  EXPECT_EQ(down(), 1);
  EXPECT_TRUE(docker.containers.count("swarmforge-shared-pg"));
  EXPECT_EQ(docker.count_calls("stop "), 0);
  EXPECT_EQ(docker.count_calls("disconnect "), 0);
  EXPECT_NE(err.str().find("pg: not removed: it was created from " + kOtherProjectsFile +
                           ", another project's definition"),
            std::string::npos)
      << err.str();
}

TEST_F(DownTest, WithoutNamesRemovesWhatAMovedProjectMadeFromTheSameDefinition) {
  auto pg = port_sidecar("pg", 5432);
  pg.content_sha256 = "bytes-of-pg";
  auto& mine = define(pg);
  auto& c = add_sidecar(mine, true, "", kOtherProjectsFile);  // its old path: something else now
  c.labels[sidecars::kLabelDefinitionId] = sidecars::definition_identity(mine);
  EXPECT_EQ(down(), 0);
  EXPECT_FALSE(docker.containers.count("swarmforge-shared-pg"));
}

TEST_F(DownTest, WithoutNamesLeavesWhatAnUnapprovedWorkspaceDefinitionNames) {
  auto ws = port_sidecar("db", 5432);
  ws.layer = sidecars::Layer::Workspace;
  add_sidecar(ws, true, "", "/gone/db.toml");  // even a provable orphan
  GatedDiscovery gated;
  gated.unapproved = {ws};
  gated.all = {ws};
  auto d = deps();
  EXPECT_EQ(take_down(d, gated, {}, true), 0);
  EXPECT_TRUE(docker.containers.count("swarmforge-shared-db"));
  EXPECT_NE(err.str().find("db: left alone: workspace sidecar /repo/db.toml needs approval"),
            std::string::npos)
      << err.str();
}

TEST_F(DownTest, NamedContainerOfAnotherProjectNeedsForce) {
  add_sidecar(port_sidecar("theirs", 80), false, "", kOtherProjectsFile);
  EXPECT_EQ(down({"theirs"}), 1);
  EXPECT_TRUE(docker.containers.count("swarmforge-shared-theirs"));
  EXPECT_NE(err.str().find("`run-anvil down --force theirs` if it is yours"), std::string::npos)
      << err.str();
  err.str("");
  EXPECT_EQ(down({"theirs"}, true), 0);
  EXPECT_FALSE(docker.containers.count("swarmforge-shared-theirs"));
  EXPECT_NE(err.str().find("made from " + kOtherProjectsFile + " (--force)"), std::string::npos)
      << err.str();
}

TEST_F(DownTest, DefinitionThatCannotBeCheckedIsNotGone) {
  auto& c = add_sidecar(port_sidecar("x", 80), false, "", "/other/ns/x.toml");
  c.labels[sidecars::kLabelDefinitionSeen] = "elsewhere/boot/mnt:[7]";
  EXPECT_EQ(down({"x"}), 1);
  EXPECT_TRUE(docker.containers.count("swarmforge-shared-x"));
  EXPECT_NE(err.str().find("cannot be checked from here"), std::string::npos) << err.str();
}

TEST_F(DownTest, AllDiscoveredRequiresValidDefinitions) {
  discovery.diagnostics.push_back({"/repo/bad.toml", 3, "unknown key \"x\""});
  EXPECT_THROW(down(), ConfigError);
}

TEST_F(DownTest, QuietPrintsOnlyRefusals) {
  auto& a = define(port_sidecar("a", 1));
  add_sidecar(a);
  auto d = deps();
  d.verbosity = Verbosity::Quiet;
  EXPECT_EQ(take_down(d, discovery, {}, false), 0);
  EXPECT_EQ(err.str(), "");
}

TEST(DownWithMock, DaemonFailureIsReportedAndExitsOneWithoutRemoving) {
  using ::testing::_;
  using ::testing::Return;
  using ::testing::Throw;
  ::testing::NiceMock<fakes::MockEngine> mock;
  ContainerInfo c;
  c.id = "id-a";
  c.name = "swarmforge-shared-a";
  c.running = true;
  c.state = "running";
  c.labels = {{sidecars::kLabelManagedBy, sidecars::kManagedByValue},
              {sidecars::kLabelName, "a"},
              {sidecars::kLabelLifecycle, "shared"},
              {sidecars::kLabelDefinition, "/gone/a.toml"},
              {sidecars::kLabelDefinitionSeen, origin_vantage()}};
  ON_CALL(mock, list_containers(_)).WillByDefault(Return(std::vector<ContainerInfo>{c}));
  ON_CALL(mock, inspect_container("id-a")).WillByDefault(Return(c));
  EXPECT_CALL(mock, stop_container("id-a", std::optional<std::chrono::seconds>{}))
      .WillOnce(Throw(DockerError(500, "cannot stop container: permission denied")));
  EXPECT_CALL(mock, remove_container(_)).Times(0);
  EXPECT_CALL(mock, remove_container_keeping_volumes(_)).Times(0);
  fakes::FakeClock clock;
  fakes::FakeDialer dialer;
  std::ostringstream out, err;
  OperateDeps deps{mock, clock, dialer, out, err};
  EXPECT_EQ(take_down(deps, sidecars::Discovery{}, {"a"}, false), 1);
  EXPECT_EQ(err.str(), "run-anvil: a: not removed: cannot stop container: permission denied\n");
}

}  // namespace
}  // namespace run_anvil::launcher
