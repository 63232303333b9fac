#include "run_anvil/sidecars/plan/warm_readiness.h"

#include <gtest/gtest.h>

namespace run_anvil::sidecars {
namespace {

const WarmFacts kProven{true, "t1", "", "t1"};

TEST(WarmReadiness, ProvenRunningExecSidecarMaySkipItsProbe) {
  EXPECT_TRUE(may_skip_probe(ReadinessMode::Exec, kProven));
  EXPECT_TRUE(may_skip_probe(ReadinessMode::Healthcheck, {true, "t1", "healthy", "t1"}));
}

TEST(WarmReadiness, TcpAndNoneNeverSkip) {
  EXPECT_FALSE(may_skip_probe(ReadinessMode::Tcp, kProven));
  EXPECT_FALSE(may_skip_probe(ReadinessMode::None, kProven));
}

TEST(WarmReadiness, AnotherStartStoppedOrUnprovenSidecarIsProbed) {
  EXPECT_FALSE(may_skip_probe(ReadinessMode::Exec, {true, "t2", "", "t1"}));
  EXPECT_FALSE(may_skip_probe(ReadinessMode::Exec, {false, "t1", "", "t1"}));
  EXPECT_FALSE(may_skip_probe(ReadinessMode::Exec, {true, "t1", "", ""}));
  EXPECT_FALSE(may_skip_probe(ReadinessMode::Exec, {true, "", "", ""}));
}

TEST(WarmReadiness, UnhealthyOrStartingHealthIsProbed) {
  EXPECT_FALSE(may_skip_probe(ReadinessMode::Exec, {true, "t1", "unhealthy", "t1"}));
  EXPECT_FALSE(may_skip_probe(ReadinessMode::Healthcheck, {true, "t1", "starting", "t1"}));
}

}  // namespace
}  // namespace run_anvil::sidecars
