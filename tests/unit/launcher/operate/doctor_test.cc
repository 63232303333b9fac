#include "operate_fixture.h"
#include "run_anvil/launcher/operate/inventory.h"
#include "run_anvil/launcher/run/trust_gate.h"
#include "run_anvil/sidecars/operate/doctor_findings.h"

namespace run_anvil::launcher {
namespace {

using fakes::port_sidecar;

// A definition file that exists on disk: a container made from it belongs to some project.
const std::string kExistingFile = RUN_ANVIL_TEST_DATA "/definitions/pg.toml";

class DoctorTest : public OperateTest {
 protected:
  int doctor(bool fix = false) {
    auto d = deps();
    return run_doctor(d, discovery, fix);
  }
  std::vector<Finding> findings() {
    return diagnose(discovery, take_inventory(docker, discovery.definitions));
  }
  std::vector<std::string> kinds() {
    std::vector<std::string> list;
    for (const auto& f : findings()) list.push_back(f.kind);
    return list;
  }
};

TEST_F(DoctorTest, HealthyDaemonExitsZero) {
  auto& d = define(port_sidecar("pg", 5432));
  add_sidecar(d);
  EXPECT_EQ(doctor(), 0);
  EXPECT_NE(out.str().find("no problems found"), std::string::npos) << out.str();
}

TEST_F(DoctorTest, OrphanWhoseDefinitionIsGoneIsFoundAndFixed) {
  auto& c = add_sidecar(port_sidecar("old", 80), false, "", "/gone/old.toml");
  std::string id = c.id;
  EXPECT_EQ(doctor(), 1);
  EXPECT_NE(out.str().find("1. [orphan] swarmforge-shared-old"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("/gone/old.toml is gone"), std::string::npos);
  EXPECT_NE(out.str().find("fix: remove it with `run-anvil down old`"), std::string::npos);
  EXPECT_TRUE(docker.containers.count("swarmforge-shared-old")) << "doctor without --fix changed";

  out.str("");
  EXPECT_EQ(doctor(true), 0);
  EXPECT_FALSE(docker.containers.count("swarmforge-shared-old"));
  EXPECT_NE(out.str().find("removed swarmforge-shared-old (orphan)"), std::string::npos);
  EXPECT_NE(out.str().find("fixed 1 of 1 problem"), std::string::npos);
  EXPECT_LT(index_of("disconnect swarmforge-net " + id), index_of("remove-keep-volumes " + id));
}

TEST_F(DoctorTest, RunningOrphanIsReportedButNeverRemovedByFix) {
  // A moved project's sidecar looks exactly like this from an unrelated directory (SPEC §11).
  add_sidecar(port_sidecar("old", 80), true, "", "/gone/old.toml");
  EXPECT_EQ(doctor(true), 1);
  EXPECT_TRUE(docker.containers.count("swarmforge-shared-old"));
  EXPECT_EQ(docker.count_calls("remove"), 0);
  EXPECT_EQ(docker.count_calls("stop"), 0);
  EXPECT_NE(out.str().find("it never removes a running container"), std::string::npos) << out.str();
}

TEST_F(DoctorTest, OrphanWhoseDefinitionCannotBeReadIsNeverRemoved) {
  // Missing from here, but recorded from another mount namespace (or an older launcher): that
  // proves nothing.
  auto labels = sidecars::container_labels(port_sidecar("theirs", 80),
                                           sidecars::config_hash(port_sidecar("theirs", 80)), "");
  labels[sidecars::kLabelDefinition] = "/in/another/namespace/theirs.toml";
  labels[sidecars::kLabelDefinitionSeen] = "elsewhere/boot/mnt:[4026531840]";
  docker.add_container("swarmforge-shared-theirs", false, labels);
  EXPECT_EQ(doctor(true), 1);
  EXPECT_TRUE(docker.containers.count("swarmforge-shared-theirs"));
  EXPECT_NE(out.str().find("cannot be checked from here"), std::string::npos) << out.str();
  EXPECT_EQ(docker.count_calls("remove "), 0);
}

TEST_F(DoctorTest, UnapprovedWorkspaceDefinitionIsListedAndNeverJudgesAContainer) {
  auto ws = port_sidecar("pg", 5432);
  ws.layer = sidecars::Layer::Workspace;
  ws.file = "/ws/.swarmforge/sidecars/pg.toml";
  // A stale container of that name, made from this very file: still not removed on the word of
  // an unapproved definition.
  auto labels = sidecars::container_labels(ws, "old-hash", "");
  labels[sidecars::kLabelDefinition] = ws.file;
  labels[sidecars::kLabelDefinitionSeen] = origin_vantage();
  docker.add_container("swarmforge-shared-pg", false, labels);
  auto d = deps();
  GatedDiscovery gated;
  gated.unapproved = {ws};
  gated.all = {ws};
  EXPECT_EQ(run_doctor(d, gated, true), 1);
  EXPECT_NE(out.str().find("[needs-approval] pg"), std::string::npos) << out.str();
  EXPECT_TRUE(docker.containers.count("swarmforge-shared-pg"));
  EXPECT_EQ(docker.count_calls("remove "), 0);
  EXPECT_EQ(docker.count_calls("exec "), 0);
}

TEST_F(DoctorTest, StaleContainerOfAnUnreadableDefinitionIsANameConflictNotAFix) {
  auto& d = define(port_sidecar("pg", 5432));
  auto& c = add_sidecar(d, false, "their-hash", "/home/other/pg.toml");
  c.labels[sidecars::kLabelDefinitionSeen] = "another/boot/mnt:[9]";
  auto f = findings();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].kind, "name-conflict");
  EXPECT_EQ(f[0].fix, FixAction::None);
}

TEST_F(DoctorTest, OrphanInUseIsReportedButNotRemoved) {
  add_sidecar(port_sidecar("old", 80), true, "", "/gone/old.toml");
  add_anvil("agent-1", "old");
  EXPECT_EQ(doctor(true), 1);
  EXPECT_TRUE(docker.containers.count("swarmforge-shared-old"));
  EXPECT_NE(out.str().find("in use by agent-1"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("not fixed: [orphan]"), std::string::npos);
}

TEST_F(DoctorTest, ContainerDefinedByAnotherProjectsFileIsNotAnOrphan) {
  add_sidecar(port_sidecar("theirs", 80), true, "", kExistingFile);
  EXPECT_TRUE(findings().empty());
}

TEST_F(DoctorTest, OrphanWithoutDefinitionLabelIsNeverRemovedByFix) {
  add_sidecar(port_sidecar("legacy", 80), true, "", "");
  EXPECT_EQ(doctor(true), 1);
  EXPECT_TRUE(docker.containers.count("swarmforge-shared-legacy"));
  EXPECT_NE(out.str().find("where it came from is unknown"), std::string::npos) << out.str();
}

TEST_F(DoctorTest, SquatterIsReportedAndNeverTouchedEvenWithFix) {
  define(port_sidecar("pg", 5432));
  auto& squatter = docker.add_container("swarmforge-shared-pg", true, {});
  squatter.networks[sidecars::kDefaultNetwork] = {"net-swarmforge-net", "172.18.0.3", {}};
  std::string id = squatter.id;
  EXPECT_EQ(kinds(), std::vector<std::string>{"squatter"});
  EXPECT_EQ(doctor(true), 1);
  EXPECT_NE(out.str().find("so sidecar \"pg\" cannot start"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("never touches it"), std::string::npos);
  EXPECT_TRUE(docker.containers.at("swarmforge-shared-pg").running);
  EXPECT_EQ(docker.count_calls("stop "), 0);
  EXPECT_EQ(docker.count_calls("remove"), 0);
  EXPECT_EQ(docker.count_calls("disconnect "), 0);
}

TEST_F(DoctorTest, StaleRunningSidecarIsNeverRemovedByFix) {
  // SPEC §11: its data would go with it; the next launch recreates it with its volumes kept.
  auto& d = define(port_sidecar("pg", 5432));
  add_sidecar(d, true, "old-hash");
  EXPECT_EQ(kinds(), std::vector<std::string>{"stale"});
  EXPECT_EQ(findings()[0].fix, FixAction::None);
  EXPECT_NE(findings()[0].how.find("it never removes a running container"), std::string::npos)
      << findings()[0].how;
  EXPECT_EQ(doctor(true), 1);
  EXPECT_TRUE(docker.containers.count("swarmforge-shared-pg"));
  EXPECT_EQ(docker.count_calls("stop"), 0);
}

TEST_F(DoctorTest, StaleStoppedSidecarNobodyUsesIsRemovedByFixItsVolumesKept) {
  auto& d = define(port_sidecar("pg", 5432));
  auto& c = add_sidecar(d, false, "old-hash");
  std::string id = c.id;
  c.mounts = {{"volume", std::string(64, 'e'), "", "/data", true}};
  docker.volumes[std::string(64, 'e')] = {};
  docker.volumes["swarmforge-pg-data"] = {{sidecars::kLabelManagedBy, "run-anvil"},
                                          {sidecars::kLabelName, "pg"}};
  EXPECT_EQ(doctor(true), 0);
  EXPECT_FALSE(docker.containers.count("swarmforge-shared-pg"));
  EXPECT_TRUE(called("remove-keep-volumes " + id));
  EXPECT_EQ(docker.volumes.size(), 2u);
  EXPECT_EQ(docker.count_calls("volume remove"), 0);
}

TEST_F(DoctorTest, ContainerStuckInCreatedIsReportedAndStartedByFix) {
  auto& d = define(port_sidecar("pg", 5432));
  auto& c = add_sidecar(d, false);
  c.state = "created";
  std::string id = c.id;
  EXPECT_EQ(kinds(), std::vector<std::string>{"stuck-created"});
  EXPECT_EQ(doctor(true), 0);
  EXPECT_TRUE(called("start " + id));
  EXPECT_TRUE(docker.containers.at("swarmforge-shared-pg").running);
}

TEST_F(DoctorTest, ContainerStuckInCreatedThatCannotStartIsRemovedByFixItsVolumesKept) {
  auto& d = define(port_sidecar("pg", 5432));
  auto& c = add_sidecar(d, false);
  c.state = "created";
  std::string id = c.id;
  docker.before_start = [&](const std::string&) {
    throw DockerError(500, "task " + id + ": already exists");
  };
  EXPECT_EQ(doctor(true), 0);
  EXPECT_TRUE(called("remove-keep-volumes " + id));
  EXPECT_NE(out.str().find("cannot start swarmforge-shared-pg (task"), std::string::npos)
      << out.str();
}

TEST_F(DoctorTest, StaleSidecarInUseIsLeftAlone) {
  auto& d = define(port_sidecar("pg", 5432));
  add_sidecar(d, true, "old-hash");
  add_anvil("agent-1", "pg");
  EXPECT_EQ(doctor(true), 1);
  EXPECT_TRUE(docker.containers.count("swarmforge-shared-pg"));
  EXPECT_NE(out.str().find("`run-anvil --recreate pg -- <your harness>`"), std::string::npos)
      << out.str();
}

TEST_F(DoctorTest, SameNameDefinedDifferentlyByAnotherProjectIsANameConflict) {
  auto& d = define(port_sidecar("pg", 5432));
  add_sidecar(d, true, "their-hash", kExistingFile);
  add_anvil("agent-9", "pg");
  auto f = findings();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].kind, "name-conflict");
  EXPECT_EQ(f[0].fix, FixAction::None);
  EXPECT_NE(f[0].what.find(kExistingFile), std::string::npos) << f[0].what;
  EXPECT_NE(f[0].what.find("in use by agent-9"), std::string::npos);
  EXPECT_NE(f[0].how.find("rename the sidecar in one of the projects"), std::string::npos);
}

TEST_F(DoctorTest, SidecarOnAVanishedNetworkIsRemovedByFix) {
  auto& d = define(port_sidecar("pg", 5432));
  auto& c = add_sidecar(d, false);
  c.networks = {{"gone-net", {"net-gone", "", {"pg"}}}};
  EXPECT_EQ(kinds(), std::vector<std::string>{"missing-network"});
  EXPECT_EQ(doctor(true), 0);
  EXPECT_FALSE(docker.containers.count("swarmforge-shared-pg"));
}

TEST_F(DoctorTest, SidecarOnANetworkRecreatedUnderTheSameNameIsFound) {
  auto& d = define(port_sidecar("pg", 5432));
  auto& c = add_sidecar(d, false);
  c.networks[sidecars::kDefaultNetwork].network_id = "an-older-network-id";
  auto f = findings();
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].kind, "missing-network");
  EXPECT_NE(f[0].what.find("a new network of that name was created since"), std::string::npos);
}

TEST_F(DoctorTest, MissingDefaultNetworkIsCreatedByFix) {
  define(port_sidecar("pg", 5432));
  docker.networks.clear();
  EXPECT_EQ(kinds(), std::vector<std::string>{"missing-default-network"});
  EXPECT_EQ(doctor(true), 0);
  ASSERT_TRUE(docker.networks.count("swarmforge-net"));
  EXPECT_EQ(docker.networks.at("swarmforge-net").labels.at("swarmforge.managed-by"), "run-anvil");
}

TEST_F(DoctorTest, MissingDefaultNetworkIsFineWithoutNetworkFacingSidecars) {
  define(fakes::none_sidecar("batch"));
  docker.networks.clear();
  EXPECT_TRUE(findings().empty());
}

class DoctorSessionTest : public DoctorTest {
 protected:
  // The resources of anvil `anvil`'s session, as the session launcher labels them.
  void add_session(const std::string& anvil) {
    std::map<std::string, std::string> labels{
        {sidecars::kLabelManagedBy, sidecars::kManagedByValue},
        {sidecars::kLabelSession, anvil},
        {sidecars::kLabelSessionId, "id-" + anvil},
        {sidecars::kLabelSessionLauncher, "launcher-of-" + anvil},
        {sidecars::kLabelName, "cache"},
        {sidecars::kLabelLifecycle, "session"}};
    auto& c = docker.add_container(anvil + "-tong-cache", true, labels);
    std::string network = sidecars::session_network_name(anvil);
    c.networks[network] = {"net-s", "10.1.0.2", {"cache"}};
    labels.erase(sidecars::kLabelName);
    labels.erase(sidecars::kLabelLifecycle);
    docker.networks[network] = {"net-s", network, "bridge", labels, {}};
  }
  int doctor_with(Liveness launcher, bool fix) {
    auto d = deps();
    d.liveness = [launcher](const std::string&) { return launcher; };
    return run_doctor(d, discovery, fix);
  }
};

TEST_F(DoctorSessionTest, SessionOfAKilledLauncherIsAnOrphanAndFixRemovesIt) {
  add_session("agent-1");
  EXPECT_EQ(doctor_with(Liveness::Dead, false), 1);
  EXPECT_NE(out.str().find("[orphan-session] agent-1"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("1 container and 1 network (swarmforge-session-agent-1) remain"),
            std::string::npos)
      << out.str();
  out.str("");
  EXPECT_EQ(doctor_with(Liveness::Dead, true), 0) << out.str();
  EXPECT_FALSE(docker.containers.count("agent-1-tong-cache"));
  EXPECT_FALSE(docker.networks.count("swarmforge-session-agent-1"));
  EXPECT_NE(out.str().find("removed the session of agent-1 (orphan-session)"), std::string::npos);
}

TEST_F(DoctorSessionTest, SessionOfALiveLauncherIsHealthy) {
  add_session("agent-1");
  EXPECT_EQ(doctor_with(Liveness::Alive, true), 0);
  EXPECT_TRUE(docker.containers.count("agent-1-tong-cache"));
}

TEST_F(DoctorSessionTest, SessionOfAnotherHostIsLeftAlone) {
  add_session("agent-1");
  EXPECT_EQ(doctor_with(Liveness::Unknown, true), 0);
  EXPECT_TRUE(docker.containers.count("agent-1-tong-cache"));
}

TEST_F(DoctorSessionTest, SessionWhoseAnvilStillRunsIsHealthy) {
  add_session("agent-1");
  docker.add_container("agent-1", true, {});
  EXPECT_EQ(doctor_with(Liveness::Dead, true), 0);
  EXPECT_TRUE(docker.containers.count("agent-1-tong-cache"));
}

TEST_F(DoctorTest, ExitedProbeContainerIsLeftoverAndRemovedByFix) {
  auto& probe = docker.add_container(
      "swarmforge-probe-pg-1a2b", false,
      {{sidecars::kLabelManagedBy, sidecars::kManagedByValue}, {sidecars::kLabelProbe, "pg"}});
  probe.networks["agents"] = {"net-agents", "", {}};
  docker.add_container(
      "swarmforge-probe-pg-3c4d", true,
      {{sidecars::kLabelManagedBy, sidecars::kManagedByValue}, {sidecars::kLabelProbe, "pg"}});
  EXPECT_EQ(kinds(), std::vector<std::string>{"orphan-probe"}) << "a running probe is at work";
  EXPECT_EQ(doctor(true), 0);
  EXPECT_FALSE(docker.containers.count("swarmforge-probe-pg-1a2b"));
  EXPECT_TRUE(docker.containers.count("swarmforge-probe-pg-3c4d"));
}

TEST_F(DoctorTest, DefinitionProblemsAreAFinding) {
  discovery.diagnostics.push_back({"/repo/bad.toml", 3, "unknown key \"x\""});
  EXPECT_EQ(kinds(), std::vector<std::string>{"definitions"});
  EXPECT_EQ(doctor(true), 1);
}

}  // namespace
}  // namespace run_anvil::launcher
