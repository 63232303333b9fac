// Warm launches trust an earlier readiness proof instead of probing again (issue 17).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "definitions_builder.h"
#include "fake_docker.h"
#include "run_anvil/launcher/run/executor.h"
#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/plan/config_hash.h"

namespace run_anvil::launcher {
namespace {

using sidecars::Definition;
using sidecars::ReadinessMode;

class MemoryReadyRecords : public ReadyRecords {
 public:
  std::map<std::string, std::string> proofs;
  std::string proof(const std::string& id) override {
    auto it = proofs.find(id);
    return it == proofs.end() ? "" : it->second;
  }
  void record(const std::string& id, const std::string& proof) override { proofs[id] = proof; }
};

class ExecutorWarmTest : public ::testing::Test {
 protected:
  fakes::FakeDocker docker;
  fakes::FakeClock clock;
  fakes::FakeDialer dialer;
  fakes::RecordingProgress progress;
  MemoryReadyRecords records;
  ExecutorDeps deps{docker, clock, dialer, progress, [] {}};
  std::vector<Definition> defs;

  void SetUp() override {
    deps.ready_records = &records;
    defs = {fakes::none_sidecar("w", ReadinessMode::Exec)};
    defs[0].readiness.command = {"check"};
  }

  sidecars::Plan plan() {
    for (const auto& d : defs) docker.images[d.image] = "sha256:" + d.name;
    sidecars::ObservedState o;
    for (const auto& d : defs) o.image_ids[d.image] = docker.images[d.image];
    for (const auto& [name, c] : docker.containers) {
      sidecars::ObservedContainer oc;
      oc.id = c.id;
      oc.name = name;
      oc.running = c.running;
      oc.labels = c.labels;
      o.containers[name] = oc;
    }
    return sidecars::make_plan(defs, o, sidecars::parse_anvil_argv({"docker", "run", "h"}));
  }

  void launch() { execute_plan(deps, plan(), defs); }
  launcher::ContainerInfo& sidecar() { return docker.containers.at("swarmforge-shared-w"); }
};

TEST_F(ExecutorWarmTest, SecondLaunchDoesNotRunTheExecProbeOfASidecarProvenSinceItsStart) {
  launch();
  ASSERT_EQ(docker.count_calls("exec"), 1);
  ASSERT_EQ(records.proofs.size(), 1u);
  launch();
  EXPECT_EQ(docker.count_calls("exec"), 1);
  EXPECT_EQ(docker.count_calls("create"), 1);
}

TEST_F(ExecutorWarmTest, ASidecarThatRestartedSinceItsProofIsProbedAgain) {
  launch();
  sidecar().started_at = "2026-01-02T00:00:00Z";  // the restart policy brought it back
  launch();
  EXPECT_EQ(docker.count_calls("exec"), 2);
  EXPECT_THAT(records.proofs.begin()->second, ::testing::StartsWith("2026-01-02T00:00:00Z "));
}

// An edited [readiness] table keeps the container (it is not in the config hash) but must be
// probed: the old proof was of another probe.
TEST_F(ExecutorWarmTest, AChangedReadinessDefinitionIsProbedAgainOnTheSameStart) {
  launch();
  defs[0].readiness.command = {"check", "--strict"};
  launch();
  EXPECT_EQ(docker.count_calls("exec"), 2);
  EXPECT_EQ(docker.count_calls("create"), 1);
  launch();
  EXPECT_EQ(docker.count_calls("exec"), 2);  // the new probe's proof holds
}

TEST_F(ExecutorWarmTest, AnUnhealthySidecarIsProbedAgainDespiteItsProof) {
  launch();
  sidecar().health = "unhealthy";
  launch();
  EXPECT_EQ(docker.count_calls("exec"), 2);
}

TEST_F(ExecutorWarmTest, AStartThatChangedDuringTheProbeIsNeverRecorded) {
  bool restart_during_probe = true;
  docker.on_inspect = [&](launcher::ContainerInfo& c) {
    if (restart_during_probe && docker.count_calls("exec") == 1) {
      c.started_at = "2026-01-03T00:00:00Z";
      restart_during_probe = false;
    }
  };
  launch();
  EXPECT_TRUE(records.proofs.empty());
  launch();
  EXPECT_EQ(docker.count_calls("exec"), 2);
}

TEST_F(ExecutorWarmTest, TcpSidecarsKeepTheirCheapDialEveryLaunch) {
  defs = {fakes::port_sidecar("pg", 5432)};
  docker.networks["swarmforge-net"] = {"n1", "swarmforge-net", "bridge", {}, {}};
  launch();
  int dials = dialer.dials;
  launch();
  EXPECT_GT(dialer.dials, dials);
  EXPECT_TRUE(records.proofs.empty());
}

TEST_F(ExecutorWarmTest, WithoutAStoreEveryLaunchProbes) {
  deps.ready_records = nullptr;
  launch();
  launch();
  EXPECT_EQ(docker.count_calls("exec"), 2);
}

}  // namespace
}  // namespace run_anvil::launcher
