#include "run_anvil/launcher/run/secret_delivery.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "definitions_builder.h"
#include "fake_docker.h"
#include "run_anvil/errors.h"
#include "run_anvil/launcher/os/capture.h"
#include "run_anvil/sidecars/plan/container_spec.h"
#include "run_anvil/sidecars/plan/plan.h"

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

// Runs the real wrapper under /bin/sh with `input` as its standard input and no PATH (builtins
// only), then `service` (an argv with an absolute path) in its place.
CaptureResult run_wrapper(const std::string& input, const std::vector<std::string>& service) {
  TempDir dir;
  const std::string file = dir.write("input", input);
  std::vector<std::string> argv = {
      "/bin/sh", "-c", "f=$1; shift; PATH=/nonexistent; exec \"$@\" <\"$f\"", "sh", file};
  const auto wrapper = secret_wrapper_entrypoint();
  argv.insert(argv.end(), wrapper.begin(), wrapper.end());
  argv.insert(argv.end(), service.begin(), service.end());
  return capture_stdout(argv, std::chrono::seconds(10), 1 << 20);
}

TEST(SecretDeliveryTest, WrapperExportsAwkwardValuesExactlyThroughARealShell) {
  const std::vector<std::pair<std::string, std::string>> env{
      {"A", "it's \"quoted\" $HOME `id` \\ back $(echo no)"},
      {"B", "two\nlines\n"},
      {"C", ""},
      {"D", "'''"},
      {"E", "\n\nx\n"},
  };
  const std::string lines = render_secret_lines(env);
  for (const auto& [key, value] : env) {
    const auto r = run_wrapper(lines, {"/bin/sh", "-c", "printf %s \"$" + key + "\""});
    ASSERT_EQ(r.status, CaptureResult::Status::Exited);
    EXPECT_EQ(r.exit_code, 0) << key;
    EXPECT_EQ(r.out, value) << key;
  }
  // The wrapper's own variables are not left to the service.
  const auto r = run_wrapper(lines, {"/bin/sh", "-c", "printf %s \"${l-unset} ${n-unset}\""});
  EXPECT_EQ(r.out, "unset unset");
}

TEST(SecretDeliveryTest, WrapperNeverStartsTheServiceWithoutTheEndLine) {
  const std::string lines = render_secret_lines({{"A", "v"}});
  for (const std::string& input : {std::string(), lines.substr(0, lines.size() - 5)}) {
    const auto r = run_wrapper(input, {"/bin/sh", "-c", "echo SERVICE-RAN"});
    ASSERT_EQ(r.status, CaptureResult::Status::Exited);
    EXPECT_EQ(r.exit_code, 78);
    EXPECT_THAT(r.out, Not(HasSubstr("SERVICE-RAN")));
  }
}

TEST(SecretDeliveryTest, EveryLineIsOneWholeAssignment) {
  const std::string lines = render_secret_lines({{"K", "a\nb"}, {"Q", "it's"}});
  EXPECT_EQ(lines, "K='a'\"$n\"'b'\nQ='it'\\''s'\n" + std::string(kSecretsEnd) + "\n");
}

TEST(SecretDeliveryTest, SingleQuotingEscapesOnlyQuotes) {
  EXPECT_EQ(shell_single_quote("a'b"), "'a'\\''b'");
  EXPECT_EQ(shell_single_quote("$x"), "'$x'");
}

TEST(SecretDeliveryTest, WaitingWrapperIsRecognisedInDockerTop) {
  std::string cmdline;
  for (const auto& a : secret_wrapper_entrypoint()) cmdline += a + " ";
  EXPECT_TRUE(awaiting_secrets({"other", cmdline + "httpd -f"}));
  EXPECT_FALSE(awaiting_secrets({"httpd -f -p 8080"}));
  EXPECT_FALSE(awaiting_secrets({}));
}

TEST(SecretDeliveryTest, EffectiveArgvFollowsDockersRules) {
  auto d = fakes::port_sidecar("api", 80);
  ImageConfig image{{"/entry.sh"}, {"serve", "--default"}, "", "", {}};
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
    docker.image_configs[d.image] = ImageConfig{{"/entry"}, {"cmd"}, "1000", "", {}};
    return {d};
  }
  // The container a launch creates for `plan`'s step with the wrapper spec, started and waiting.
  std::string started_with_wrapper(const SecretDelivery& delivery,
                                   const std::vector<sidecars::Definition>& definitions,
                                   const sidecars::Plan& plan) {
    ContainerSpec spec = make_container_spec(definitions[0], plan.steps[0]);
    delivery.adjust_spec(plan.steps[0], spec);
    docker.images[spec.image] = "sha256:api";
    const std::string id = docker.create_container(spec);
    docker.start_container(id);
    return id;
  }
};

TEST_F(SecretDeliveryPrepareTest, CreatedSidecarGetsWrapperAndItsSecretsOnStdinAfterStart) {
  auto definitions = defs();
  auto plan = plan_with(sidecars::Action::Create);
  auto delivery = SecretDelivery::prepare(docker, plan, definitions, resolver);
  ASSERT_TRUE(delivery.has("api"));
  ContainerSpec spec = make_container_spec(definitions[0], plan.steps[0]);
  delivery.adjust_spec(plan.steps[0], spec);
  EXPECT_EQ(spec.entrypoint, secret_wrapper_entrypoint());
  EXPECT_THAT(*spec.cmd, ElementsAre("/entry", "serve", "api"));
  EXPECT_TRUE(spec.open_stdin);
  for (const auto& e : spec.env) EXPECT_THAT(e, Not(HasSubstr("the-value")));
  for (const auto& a : *spec.entrypoint) EXPECT_THAT(a, Not(HasSubstr("the-value")));
  for (const auto& [k, v] : spec.labels) EXPECT_THAT(v, Not(HasSubstr("the-value")));
  docker.images[spec.image] = "sha256:api";
  const std::string id = docker.create_container(spec);
  docker.start_container(id);
  delivery.deliver(docker, plan.steps[0], id, /*fresh=*/true);
  ASSERT_EQ(docker.stdin_payloads["swarmforge-shared-api"].size(), 1u);
  const std::string& lines = docker.stdin_payloads["swarmforge-shared-api"][0];
  EXPECT_THAT(lines, HasSubstr("TOKEN='the-value'\n"));
  EXPECT_THAT(lines, HasSubstr(kSecretsEnd));
  EXPECT_THAT(lines, Not(HasSubstr("PLAIN")));  // plain env stays in Config.Env
  // Another launcher that adopted it finds the wrapper fed and writes nothing.
  delivery.deliver(docker, plan.steps[0], id, /*fresh=*/false);
  EXPECT_EQ(docker.stdin_payloads["swarmforge-shared-api"].size(), 1u);
}

// A service that exits right after its secrets (a one-shot job, a crash) makes dockerd's `top`
// fail while the process goes ("ttrpc: closed"): it took its secrets; readiness reports the rest.
TEST_F(SecretDeliveryPrepareTest, ServiceExitingRightAfterItsSecretsIsNotADeliveryFailure) {
  auto definitions = defs();
  auto plan = plan_with(sidecars::Action::Create);
  auto delivery = SecretDelivery::prepare(docker, plan, definitions, resolver);
  const std::string id = started_with_wrapper(delivery, definitions, plan);
  docker.on_attach = [&](const std::string& name) {
    docker.containers.at(name).running = false;
    docker.containers.at(name).state = "exited";
    docker.failing_tops.insert(name);
  };
  EXPECT_NO_THROW(delivery.deliver(docker, plan.steps[0], id, /*fresh=*/true));
  EXPECT_EQ(docker.stdin_payloads["swarmforge-shared-api"].size(), 1u);
}

// While the container still runs, a failing `top` stays an error in the daemon's words.
TEST_F(SecretDeliveryPrepareTest, FailingTopOfARunningContainerIsStillAnError) {
  auto definitions = defs();
  auto plan = plan_with(sidecars::Action::Create);
  auto delivery = SecretDelivery::prepare(docker, plan, definitions, resolver);
  const std::string id = started_with_wrapper(delivery, definitions, plan);
  docker.on_attach = [&](const std::string& name) { docker.failing_tops.insert(name); };
  try {
    delivery.deliver(docker, plan.steps[0], id, /*fresh=*/true);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("ttrpc: closed"));
  }
}

TEST_F(SecretDeliveryPrepareTest, ReusedRunningSidecarResolvesNothing) {
  auto definitions = defs();
  definitions[0].env = {{"TOKEN", "${secret:env:UNSET}"}};  // would fail if resolved
  docker.add_container("swarmforge-shared-api", true, {});
  auto plan = plan_with(sidecars::Action::Reuse);
  plan.steps[0].existing_id = docker.containers.at("swarmforge-shared-api").id;
  auto delivery = SecretDelivery::prepare(docker, plan, definitions, resolver);
  EXPECT_TRUE(delivery.empty());
}

TEST_F(SecretDeliveryPrepareTest, ReusedSidecarRestartedSinceGetsItsSecretsAgain) {
  auto definitions = defs();
  docker.add_container("swarmforge-shared-api", true, {});
  docker.awaiting_input.insert("swarmforge-shared-api");  // restarted by its policy
  auto plan = plan_with(sidecars::Action::Reuse);
  const std::string id = docker.containers.at("swarmforge-shared-api").id;
  plan.steps[0].existing_id = id;
  auto delivery = SecretDelivery::prepare(docker, plan, definitions, resolver);
  ASSERT_TRUE(delivery.has("api"));
  delivery.deliver(docker, plan.steps[0], id, /*fresh=*/false);
  ASSERT_EQ(docker.stdin_payloads["swarmforge-shared-api"].size(), 1u);
  EXPECT_THAT(docker.stdin_payloads["swarmforge-shared-api"][0], HasSubstr("the-value"));
  EXPECT_EQ(docker.count_calls("create"), 0);
}

TEST_F(SecretDeliveryPrepareTest, ImageWithoutAShellIsRefusedBeforeAnythingIsCreated) {
  auto definitions = defs();
  docker.images_without_shell.insert(definitions[0].image);
  try {
    SecretDelivery::prepare(docker, plan_with(sidecars::Action::Create), definitions, resolver);
    FAIL() << "accepted an image without /bin/sh";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("has no /bin/sh"));
    EXPECT_THAT(e.what(), HasSubstr(definitions[0].image));
  }
  EXPECT_EQ(docker.count_calls("create swarmforge-shared-api"), 0);
  EXPECT_TRUE(docker.containers.empty()) << "the throwaway container of the check is removed";
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
