#include "run_anvil/launcher/front/front_decision.h"

#include <gtest/gtest.h>

#include <set>

namespace run_anvil::launcher {
namespace {

using Kind = FrontDecision::Kind;

class FrontDecisionTest : public ::testing::Test {
 protected:
  std::map<std::string, std::string> vars{{"HOME", "/home/u"}};
  std::set<std::string> dirs_with_toml;
  std::vector<std::string> probed;

  FrontDecision decide(std::vector<std::string> argv) {
    return decide_front(
        argv,
        [this](const char* n) -> std::optional<std::string> {
          auto it = vars.find(n);
          return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
        },
        [this](const std::string& d) {
          probed.push_back(d);
          return dirs_with_toml.count(d) > 0;
        },
        "/cwd");
  }
};

TEST_F(FrontDecisionTest, NoDefinitionFilesExecsTheAnvilVerbatim) {
  auto d = decide({"run-anvil", "--", "docker", "run", "", "a b", "--"});
  EXPECT_EQ(d.kind, Kind::ExecAnvil);
  EXPECT_EQ(d.anvil_argv, (std::vector<std::string>{"docker", "run", "", "a b", "--"}));
  EXPECT_EQ(probed, (std::vector<std::string>{"/home/u/.swarmforge/sidecars",
                                              "/cwd/.swarmforge/sidecars"}));
}

TEST_F(FrontDecisionTest, ProbesEveryLayerTheFullLauncherWouldRead) {
  vars["SWARMFORGE_USER_ASSETS_DIR"] = "/assets";
  decide({"run-anvil", "--org-sidecars", "/org", "--repo-sidecars=/repo", "--workspace", "/ws",
          "-q", "--no-prompt", "--", "x"});
  EXPECT_EQ(probed, (std::vector<std::string>{"/assets/sidecars", "/org", "/repo",
                                              "/ws/.swarmforge/sidecars"}));
}

TEST_F(FrontDecisionTest, AnyDefinitionFileHandsOverToTheCore) {
  dirs_with_toml.insert("/repo");
  EXPECT_EQ(decide({"run-anvil", "--repo-sidecars", "/repo", "--", "x"}).kind, Kind::ExecCore);
}

TEST_F(FrontDecisionTest, SubcommandsHelpUnknownOptionsAndUsageErrorsGoToTheCore) {
  for (const auto& argv :
       std::vector<std::vector<std::string>>{{"run-anvil", "plan", "--", "x"},
                                             {"run-anvil", "--help"},
                                             {"run-anvil", "--bogus", "--", "x"},
                                             {"run-anvil", "-qv", "--", "x"},
                                             {"run-anvil", "-q", "-v", "--", "x"},
                                             {"run-anvil", "--repo-sidecars", "--", "x"},
                                             {"run-anvil", "--repo-sidecars="},
                                             {"run-anvil", "--harness", "vim", "--", "x"},
                                             {"run-anvil", "--"},
                                             {"run-anvil", "docker", "run", "x"},
                                             {"run-anvil"}}) {
    EXPECT_EQ(decide(argv).kind, Kind::ExecCore) << argv.size();
  }
  EXPECT_TRUE(probed.empty());
}

TEST_F(FrontDecisionTest, VersionIsAnsweredByTheFrontWithoutProbingAnything) {
  EXPECT_EQ(decide({"run-anvil", "--version"}).kind, Kind::PrintVersion);
  // Anywhere else it is the core's (a usage error there, or an anvil argument after --).
  EXPECT_EQ(decide({"run-anvil", "plan", "--version"}).kind, Kind::ExecCore);
  EXPECT_EQ(decide({"run-anvil", "--", "docker", "--version"}).kind, Kind::ExecAnvil);
  EXPECT_EQ(probed.size(), 2u);  // only by the last one
}

TEST(FrontDirProbe, MissingDirectoryHoldsNothingButUnreadableOneIsHandedOver) {
  EXPECT_FALSE(dir_may_hold_toml("/nonexistent/run-anvil/layer"));
  EXPECT_TRUE(dir_may_hold_toml("/etc/passwd"));  // not a directory: the core reports it
  EXPECT_TRUE(dir_may_hold_toml(RUN_ANVIL_TEST_DATA "/definitions"));
}

}  // namespace
}  // namespace run_anvil::launcher

namespace run_anvil::launcher {
namespace {

// Issue 16: a typo in an explicit layer directory must reach the core (which refuses it), never
// pass the harness through with no sidecars.
TEST(FrontExplicitDirsTest, AMissingExplicitDirectoryHandsOverToTheCore) {
  auto env = [](const char*) -> std::optional<std::string> { return std::nullopt; };
  auto no_toml = [](const std::string&) { return false; };
  std::set<std::string> existing{"/repo", "/ws"};
  auto is_dir = [&](const std::string& p) { return existing.count(p) > 0; };
  auto run = [&](std::vector<std::string> argv) {
    return decide_front(argv, env, no_toml, "/cwd", is_dir).kind;
  };
  EXPECT_EQ(run({"run-anvil", "--repo-sidecars", "/repo", "--", "x"}),
            FrontDecision::Kind::ExecAnvil);
  EXPECT_EQ(run({"run-anvil", "--repo-sidecars", "/sidecar", "--", "x"}),
            FrontDecision::Kind::ExecCore);
  EXPECT_EQ(run({"run-anvil", "--workspace=/nope", "--", "x"}), FrontDecision::Kind::ExecCore);
  EXPECT_EQ(run({"run-anvil", "--workspace", "/ws", "--", "x"}), FrontDecision::Kind::ExecAnvil);
}

}  // namespace
}  // namespace run_anvil::launcher
