#include "run_anvil/launcher/run/harness.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "definitions_builder.h"
#include "run_anvil/errors.h"

namespace run_anvil::launcher {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

std::vector<sidecars::Definition> mcp_sidecars() {
  auto github = fakes::port_sidecar("github-mcp", 8080);
  github.interface.kind = sidecars::InterfaceKind::Mcp;
  github.interface.mcp_name = "github";
  github.interface.mcp_path = "/mcp";
  auto docs = fakes::port_sidecar("docs", 9000);
  docs.interface.kind = sidecars::InterfaceKind::Mcp;
  docs.interface.mcp_name = "docs";
  docs.interface.mcp_path = "/v1/mcp";
  return {github, docs, fakes::port_sidecar("pg", 5432)};
}

TEST(HarnessTest, ParsesOnlyTheKnownHarnesses) {
  EXPECT_EQ(parse_harness("claude"), Harness::Claude);
  EXPECT_EQ(parse_harness("opencode"), Harness::Opencode);
  EXPECT_FALSE(parse_harness("Claude"));
}

TEST(HarnessTest, ClaudeFragmentListsEveryMcpSidecarAsHttpServer) {
  json doc = json::parse(mcp_config_fragment(Harness::Claude, mcp_sidecars()));
  EXPECT_EQ(doc, json::parse(R"({"mcpServers":{
      "github":{"type":"http","url":"http://github:8080/mcp"},
      "docs":{"type":"http","url":"http://docs:9000/v1/mcp"}}})"));
}

TEST(HarnessTest, OpencodeFragmentListsEveryMcpSidecarAsRemoteServer) {
  json doc = json::parse(mcp_config_fragment(Harness::Opencode, mcp_sidecars()));
  EXPECT_EQ(doc, json::parse(R"({"$schema":"https://opencode.ai/config.json","mcp":{
      "github":{"type":"remote","url":"http://github:8080/mcp","enabled":true},
      "docs":{"type":"remote","url":"http://docs:9000/v1/mcp","enabled":true}}})"));
}

TEST(HarnessTest, InjectionMountsReadOnlyAndPointsTheHarnessAtIt) {
  auto claude = harness_injection(Harness::Claude, "/tmp/d/mcp.json");
  EXPECT_THAT(claude.env, ElementsAre(Pair("SWARMFORGE_MCP_CONFIG", "/run/swarmforge/mcp.json")));
  EXPECT_THAT(claude.options, ElementsAre("-v", "/tmp/d/mcp.json:/run/swarmforge/mcp.json:ro"));
  auto opencode = harness_injection(Harness::Opencode, "/tmp/d/mcp.json");
  EXPECT_THAT(opencode.env,
              ElementsAre(Pair("OPENCODE_CONFIG", "/run/swarmforge/opencode.json"),
                          Pair("SWARMFORGE_MCP_CONFIG", "/run/swarmforge/opencode.json")));
  EXPECT_THAT(opencode.options,
              ElementsAre("-v", "/tmp/d/mcp.json:/run/swarmforge/opencode.json:ro"));
}

TEST(HarnessTest, ConfigFileIsReadableWhileAliveAndGoneAfterwards) {
  std::string path;
  std::string dir;
  {
    HarnessConfigFile file("{\"mcpServers\":{}}\n");
    path = file.path();
    dir = std::filesystem::path(path).parent_path();
    std::ifstream in(path);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(content, "{\"mcpServers\":{}}\n");
    struct stat st {};
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0644u);
    ASSERT_EQ(stat(dir.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(HarnessTest, PrepareAddsTheInjectionAndWritesOnlyWhenAsked) {
  sidecars::PlanOptions options;
  auto none = prepare_harness("opencode", mcp_sidecars(), true, /*write=*/false, options);
  EXPECT_EQ(none, nullptr);
  EXPECT_EQ(options.anvil_env.size(), 2u);
  sidecars::PlanOptions written;
  auto file = prepare_harness("claude", mcp_sidecars(), true, /*write=*/true, written);
  ASSERT_NE(file, nullptr);
  EXPECT_THAT(written.anvil_options,
              ElementsAre("-v", file->path() + ":/run/swarmforge/mcp.json:ro"));
  sidecars::PlanOptions untouched;
  EXPECT_EQ(prepare_harness("", mcp_sidecars(), true, true, untouched), nullptr);
  EXPECT_TRUE(untouched.anvil_env.empty());
}

TEST(HarnessTest, RemoteDaemonCannotMountAHostFile) {
  sidecars::PlanOptions options;
  try {
    prepare_harness("claude", mcp_sidecars(), /*daemon_is_local=*/false, true, options);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("local Docker daemon"));
  }
}

}  // namespace
}  // namespace run_anvil::launcher
