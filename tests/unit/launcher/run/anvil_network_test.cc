#include "run_anvil/launcher/run/anvil_network.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "definitions_builder.h"
#include "fake_docker.h"

namespace run_anvil::launcher {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class AnvilNetworkTest : public ::testing::Test {
 protected:
  fakes::FakeDocker docker;
  fakes::FakeClock clock;
  fakes::RecordingProgress progress;
  sidecars::Plan plan;

  void SetUp() override {
    sidecars::SessionPlan session;
    session.anvil_name = "a1";
    session.network = "swarmforge-session-a1";
    session.anvil_network = "agents";
    session.anvil_network_aliases = {"me"};
    plan.session = session;
  }
  bool wait_until(const std::function<bool()>& done) {
    for (int i = 0; i < 2000 && !done(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return done();
  }
};

TEST_F(AnvilNetworkTest, ConnectsTheAnvilToItsOwnNetworkOnceItAppears) {
  AnvilNetworkJoin join(docker, clock, progress, plan);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(join.joined());
  auto& anvil = docker.add_container("a1", true, {});
  anvil.networks["swarmforge-session-a1"] = {"n", "172.18.0.9", {}};
  ASSERT_TRUE(wait_until([&] { return join.joined(); }));
  join.stop();
  EXPECT_THAT(docker.containers["a1"].networks.at("agents").aliases, ElementsAre("me"));
}

TEST_F(AnvilNetworkTest, NeverConnectsAContainerThatIsNotThisRunsAnvil) {
  docker.add_container("a1", true, {});  // same name, not on the session network
  AnvilNetworkJoin join(docker, clock, progress, plan);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  join.stop();
  EXPECT_FALSE(join.joined());
  EXPECT_EQ(docker.count_calls("connect"), 0);
}

TEST_F(AnvilNetworkTest, NothingToDoWithoutAnAnvilNetwork) {
  plan.session->anvil_network.clear();
  AnvilNetworkJoin join(docker, clock, progress, plan);
  join.stop();
  EXPECT_EQ(docker.count_calls("inspect"), 0);
}

TEST_F(AnvilNetworkTest, GivesUpWithAWarningWhenTheAnvilNeverAppears) {
  AnvilNetworkJoin join(docker, clock, progress, plan, std::chrono::milliseconds(0));
  join.stop();  // the first look happens whatever: with no patience it ends in the warning
  ASSERT_EQ(progress.warnings.size(), 1u);
  EXPECT_THAT(progress.warnings[0], HasSubstr("was not connected to agents"));
}

}  // namespace
}  // namespace run_anvil::launcher
