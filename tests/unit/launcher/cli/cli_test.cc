#include "run_anvil/launcher/cli/cli.h"

#include <gtest/gtest.h>

#include <string>

namespace run_anvil::launcher {
namespace {

std::optional<std::string> no_env(const char*) { return std::nullopt; }

TEST(CommandLine, VersionPrintsTheProjectVersionAndRunsNothing) {
  testing::internal::CaptureStdout();
  auto options = parse_command_line({"run-anvil", "--version"}, no_env);
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_FALSE(options.has_value());  // nothing to run: main exits 0
  EXPECT_EQ(out, std::string("run-anvil ") + RUN_ANVIL_VERSION + "\n");
  EXPECT_EQ(std::string(kVersionLine), std::string("run-anvil ") + RUN_ANVIL_VERSION);
}

}  // namespace
}  // namespace run_anvil::launcher
