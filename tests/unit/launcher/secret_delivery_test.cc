#include "run_anvil/launcher/secret_delivery.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "definitions_builder.h"
#include "fake_docker.h"
#include "run_anvil/errors.h"
#include "run_anvil/launcher/capture.h"
#include "run_anvil/launcher/container_spec.h"
#include "run_anvil/sidecars/plan.h"

namespace run_anvil::launcher {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "delivery-test-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string write(const std::string& name, const std::string& content) {
    std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string run(const std::vector<std::string>& argv) {
  auto r = capture_stdout(argv, std::chrono::seconds(10), 1 << 20);
  EXPECT_EQ(r.status, CaptureResult::Status::Exited);
  EXPECT_EQ(r.exit_code, 0) << argv.back();
  return r.out;
}

TEST(SecretDeliveryTest, EnvFileRoundTripsAwkwardValuesThroughARealShell) {
  const std::vector<std::pair<std::string, std::string>> env{
      {"A", "it's \"quoted\" $HOME `id` \\ back"},
      {"B", "two\nlines\n"},
      {"C", ""},
      {"D", "'''"},
  };
  TempDir dir;
  std::string file = dir.write("secrets.env", render_env_file(env));
  for (const auto& [key, value] : env) {
    // Exactly what the wrapper does, then print the variable byte for byte.
    std::string got =
        run({"/bin/sh", "-c", "set -a; . \"$0\"; set +a; printf %s \"$" + key + "\"", file});
    EXPECT_EQ(got, value) << key;
  }
}

TEST(SecretDeliveryTest, SingleQuotingEscapesOnlyQuotes) {
  EXPECT_EQ(shell_single_quote("a'b"), "'a'\\''b'");
  EXPECT_EQ(shell_single_quote("$x"), "'$x'");
}

TEST(SecretDeliveryTest, TarIsReadableByTarWithModeOwnerAndContent) {
  TempDir dir;
  std::string tar = ustar_single_file("run/swarmforge/secrets.env", "K='v'\n", 0400, 1234, 567);
  EXPECT_EQ(tar.size() % 512, 0u);
  std::string path = dir.write("a.tar", tar);
  std::string listing = run({"tar", "--numeric-owner", "-tvf", path});
  EXPECT_THAT(listing, HasSubstr("-r-------- 1234/567"));
  EXPECT_THAT(listing, HasSubstr("run/swarmforge/secrets.env"));
  EXPECT_EQ(run({"tar", "-xOf", path, "run/swarmforge/secrets.env"}), "K='v'\n");
}

TEST(SecretDeliveryTest, TarContentOfExactlyOneBlockNeedsNoPadding) {
  std::string tar = ustar_single_file("f", std::string(512, 'x'), 0400, 0, 0);
  EXPECT_EQ(tar.size(), 512u * 4);  // header, content, two end blocks
}

TEST(SecretDeliveryTest, WrapperSourcesTheFileThenExecsTheArguments) {
  auto ep = secret_wrapper_entrypoint();
  ASSERT_EQ(ep.size(), 4u);
  EXPECT_EQ(ep[0], "/bin/sh");
  EXPECT_EQ(ep[2], "set -a; . /run/swarmforge/secrets.env; set +a; exec \"$@\"");
  EXPECT_EQ(ep[3], "sh");
}

TEST(SecretDeliveryTest, EffectiveArgvFollowsDockersRules) {
  auto d = fakes::port_sidecar("api", 80);
  ImageConfig image{{"/entry.sh"}, {"serve", "--default"}, ""};
  d.command.reset();
  EXPECT_THAT(effective_argv(d, image), ElementsAre("/entry.sh", "serve", "--default"));
  d.command = std::vector<std::string>{"other"};
  EXPECT_THAT(effective_argv(d, image), ElementsAre("/entry.sh", "other"));
  d.entrypoint = std::vector<std::string>{"/mine"};
  d.command.reset();
  EXPECT_THAT(effective_argv(d, image), ElementsAre("/mine"));  // own entrypoint drops image cmd
  d.entrypoint = std::vector<std::string>{};
  EXPECT_THAT(effective_argv(d, image), ElementsAre("serve", "--default"));
  EXPECT_THROW(effective_argv(d, ImageConfig{}), Error);
}

TEST(SecretDeliveryTest, FileOwnerFollowsTheContainersUser) {
  EXPECT_EQ(secret_file_owner("").mode, 0400u);
  EXPECT_EQ(secret_file_owner("root").uid, 0u);
  auto numeric = secret_file_owner("1000:50");
  EXPECT_EQ(numeric.uid, 1000u);
  EXPECT_EQ(numeric.gid, 50u);
  EXPECT_EQ(numeric.mode, 0400u);
  EXPECT_EQ(secret_file_owner("node").mode, 0444u);
}

TEST(SecretDeliveryTest, ContainerSpecNeverCarriesSecretEnv) {
  auto d = fakes::port_sidecar("api", 80);
  d.env = {{"PLAIN", "1"}, {"TOKEN", "${secret:env:X}"}};
  sidecars::SidecarStep step;
  step.name = "api";
  step.container = "swarmforge-shared-api";
  auto spec = make_container_spec(d, step);
  EXPECT_THAT(spec.env, ElementsAre("PLAIN=1"));
}

class SecretDeliveryPrepareTest : public ::testing::Test {
 protected:
  fakes::FakeDocker docker;
  SecretResolver resolver{{[](const std::string& name) -> std::optional<std::string> {
                             if (name == "X") return std::string("the-value");
                             return std::nullopt;
                           },
                           "/nonexistent/providers.toml",
                           std::chrono::seconds(5),
                           {}}};

  sidecars::Plan plan_with(sidecars::Action action) {
    sidecars::Plan plan;
    sidecars::SidecarStep step;
    step.name = "api";
    step.container = "swarmforge-shared-api";
    step.action = action;
    plan.steps.push_back(step);
    return plan;
  }
  std::vector<sidecars::Definition> defs() {
    auto d = fakes::port_sidecar("api", 80);
    d.env = {{"PLAIN", "1"}, {"TOKEN", "${secret:env:X}"}};
    docker.images[d.image] = "sha256:api";
    docker.image_configs[d.image] = ImageConfig{{"/entry"}, {"cmd"}, "1000"};
    return {d};
  }
};

TEST_F(SecretDeliveryPrepareTest, CreatedSidecarGetsWrapperAndArchive) {
  auto definitions = defs();
  auto plan = plan_with(sidecars::Action::Create);
  auto delivery = SecretDelivery::prepare(docker, plan, definitions, resolver);
  ASSERT_TRUE(delivery.has("api"));
  ContainerSpec spec = make_container_spec(definitions[0], plan.steps[0]);
  delivery.adjust_spec(plan.steps[0], spec);
  EXPECT_EQ(spec.entrypoint, secret_wrapper_entrypoint());
  EXPECT_THAT(*spec.cmd, ElementsAre("/entry", "serve", "api"));
  for (const auto& e : spec.env) EXPECT_THAT(e, Not(HasSubstr("the-value")));
  docker.add_container("swarmforge-shared-api", false, {});
  delivery.upload(docker, plan.steps[0], "swarmforge-shared-api");
  ASSERT_EQ(docker.archives["swarmforge-shared-api"].size(), 1u);
  const auto& [path, tar] = docker.archives["swarmforge-shared-api"][0];
  EXPECT_EQ(path, "/");
  EXPECT_THAT(tar, HasSubstr("run/swarmforge/secrets.env"));
  EXPECT_THAT(tar, HasSubstr("TOKEN='the-value'\n"));
  EXPECT_THAT(tar, Not(HasSubstr("PLAIN")));  // plain env stays in Config.Env
}

TEST_F(SecretDeliveryPrepareTest, ReusedSidecarResolvesNothing) {
  auto definitions = defs();
  definitions[0].env = {{"TOKEN", "${secret:env:UNSET}"}};  // would fail if resolved
  auto delivery =
      SecretDelivery::prepare(docker, plan_with(sidecars::Action::Reuse), definitions, resolver);
  EXPECT_TRUE(delivery.empty());
}

TEST_F(SecretDeliveryPrepareTest, UnresolvableSecretFailsBeforeAnythingIsCreated) {
  auto definitions = defs();
  definitions[0].env = {{"TOKEN", "${secret:env:UNSET}"}};
  EXPECT_THROW(
      SecretDelivery::prepare(docker, plan_with(sidecars::Action::Create), definitions, resolver),
      Error);
  EXPECT_EQ(docker.count_calls("create"), 0);
}

}  // namespace
}  // namespace run_anvil::launcher
