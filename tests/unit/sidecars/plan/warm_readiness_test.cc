#include "run_anvil/sidecars/plan/warm_readiness.h"

#include <gtest/gtest.h>

namespace run_anvil::sidecars {
namespace {

Probe probe(ReadinessMode mode) {
  Probe p;
  p.mode = mode;
  p.command = {"pg_isready"};
  return p;
}

WarmFacts proven(ReadinessMode mode, std::string health = "") {
  return {true, "t1", std::move(health), proof_of("t1", probe(mode))};
}

TEST(WarmReadiness, ProvenRunningExecSidecarMaySkipItsProbe) {
  EXPECT_TRUE(may_skip_probe(probe(ReadinessMode::Exec), proven(ReadinessMode::Exec)));
  EXPECT_TRUE(may_skip_probe(probe(ReadinessMode::Healthcheck),
                             proven(ReadinessMode::Healthcheck, "healthy")));
}

TEST(WarmReadiness, TcpAndNoneNeverSkip) {
  EXPECT_FALSE(may_skip_probe(probe(ReadinessMode::Tcp), proven(ReadinessMode::Tcp)));
  EXPECT_FALSE(may_skip_probe(probe(ReadinessMode::None), proven(ReadinessMode::None)));
}

TEST(WarmReadiness, AnotherStartStoppedOrUnprovenSidecarIsProbed) {
  Probe exec = probe(ReadinessMode::Exec);
  EXPECT_FALSE(may_skip_probe(exec, {true, "t2", "", proof_of("t1", exec)}));
  EXPECT_FALSE(may_skip_probe(exec, {false, "t1", "", proof_of("t1", exec)}));
  EXPECT_FALSE(may_skip_probe(exec, {true, "t1", "", ""}));
  EXPECT_FALSE(may_skip_probe(exec, {true, "", "", ""}));
  EXPECT_FALSE(may_skip_probe(exec, {true, "t1", "", "t1"}));  // a record of an older release
}

TEST(WarmReadiness, UnhealthyOrStartingHealthIsProbed) {
  EXPECT_FALSE(
      may_skip_probe(probe(ReadinessMode::Exec), proven(ReadinessMode::Exec, "unhealthy")));
  EXPECT_FALSE(may_skip_probe(probe(ReadinessMode::Healthcheck),
                              proven(ReadinessMode::Healthcheck, "starting")));
}

TEST(WarmReadiness, AProofIsOfOneProbeDefinition) {
  Probe log = probe(ReadinessMode::Log);
  log.pattern = "ready";
  const WarmFacts facts{true, "t1", "", proof_of("t1", log)};
  EXPECT_TRUE(may_skip_probe(log, facts));
  Probe more = log;
  more.occurrences = 2;
  Probe other = log;
  other.pattern = "ready!";
  Probe args = probe(ReadinessMode::Exec);
  args.command = {"pg_isready", "-U", "app"};
  EXPECT_FALSE(may_skip_probe(more, facts));
  EXPECT_FALSE(may_skip_probe(other, facts));
  EXPECT_NE(proof_of("t1", probe(ReadinessMode::Exec)), proof_of("t1", args));
  Probe slower = log;
  slower.timeout = std::chrono::milliseconds(99000);  // how long to wait is not what passed
  EXPECT_TRUE(may_skip_probe(slower, facts));
}

}  // namespace
}  // namespace run_anvil::sidecars
