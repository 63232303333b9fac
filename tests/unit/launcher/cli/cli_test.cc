#include "run_anvil/launcher/cli/cli.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "run_anvil/launcher/docker/docker_endpoint.h"

namespace run_anvil::launcher {
namespace {

std::optional<std::string> no_env(const std::string&) { return std::nullopt; }

TEST(CommandLine, VersionPrintsTheProjectVersionAndRunsNothing) {
  testing::internal::CaptureStdout();
  auto options = parse_command_line({"run-anvil", "--version"}, no_env);
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_FALSE(options.has_value());  // nothing to run: main exits 0
  EXPECT_EQ(out, std::string("run-anvil ") + RUN_ANVIL_VERSION + "\n");
  EXPECT_EQ(std::string(kVersionLine), std::string("run-anvil ") + RUN_ANVIL_VERSION);
}

// One environment seam (launcher/os/env.h): the same lookup serves the command line and the
// daemon endpoint, and their headers can be included together.
TEST(CommandLine, SharesOneEnvironmentLookupWithTheEndpointRules) {
  std::map<std::string, std::string> vars{{"DOCKER_HOST", "unix:///run/elsewhere.sock"},
                                          {"HOME", "/home/someone"}};
  EnvLookup env = [&](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  EXPECT_EQ(resolve_docker_endpoint(env), "unix:///run/elsewhere.sock");
  testing::internal::CaptureStdout();
  EXPECT_FALSE(parse_command_line({"run-anvil", "--version"}, env).has_value());
  testing::internal::GetCapturedStdout();
}

}  // namespace
}  // namespace run_anvil::launcher
