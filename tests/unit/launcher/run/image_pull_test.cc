// Images a run needs but the daemon lacks: pulled before planning (run), shown as pulls (plan).
#include "run_anvil/launcher/run/image_pull.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "definitions_builder.h"
#include "fake_docker.h"
#include "run_anvil/launcher/run/prepare.h"

namespace run_anvil::launcher {
namespace {

using fakes::port_sidecar;
using sidecars::Definition;
using ::testing::HasSubstr;

class ImagePullTest : public ::testing::Test {
 protected:
  fakes::FakeDocker docker;
  fakes::RecordingProgress progress;
  Options options;
  sidecars::Discovery discovery;

  void SetUp() override {
    options.anvil_argv = {"docker", "run", "--rm", "h:dev"};
    discovery.definitions = {port_sidecar("db", 5432), port_sidecar("mq", 5672)};
    docker.images["img/db:1"] = "sha256:db";
  }
};

TEST_F(ImagePullTest, RunPullsTheMissingImageThenPlansWithItsId) {
  docker.pullable["img/mq:1"] = "sha256:mq";
  Prepared p = prepare_run(options, discovery, docker, {}, progress);
  EXPECT_EQ(docker.count_calls("pull "), 1);
  EXPECT_EQ(docker.count_calls("pull img/mq:1"), 1);
  ASSERT_EQ(p.plan.steps.size(), 2u);
  for (const auto& step : p.plan.steps) EXPECT_EQ(step.pull_image, "") << step.name;
  EXPECT_EQ(p.plan.steps[1].name, "mq");
  EXPECT_EQ(p.plan.steps[1].image_id, "sha256:mq");
  EXPECT_THAT(progress.lines, ::testing::Contains("mq: pulling img/mq:1"));
}

TEST_F(ImagePullTest, PlanPullsNothingAndShowsThePull) {
  docker.pullable["img/mq:1"] = "sha256:mq";
  Prepared p = prepare_plan(options, discovery, docker, {});
  EXPECT_EQ(docker.count_calls("pull "), 0);
  EXPECT_EQ(docker.images.count("img/mq:1"), 0u);
  ASSERT_EQ(p.plan.steps.size(), 2u);
  EXPECT_EQ(p.plan.steps[0].pull_image, "");
  EXPECT_EQ(p.plan.steps[1].pull_image, "img/mq:1");
  EXPECT_EQ(p.plan.steps[1].image_id, "");
}

TEST_F(ImagePullTest, FailedPullNamesEverySidecarTheImageAndTheDaemonsMessage) {
  discovery.definitions[0].image = "acme/private:1";
  discovery.definitions[1].image = "acme/private:1";
  try {
    prepare_run(options, discovery, docker, {}, progress);
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_THAT(message, HasSubstr("sidecar \"db\", \"mq\": cannot pull image acme/private:1: "
                                   "pull access denied for acme/private:1"));
    EXPECT_THAT(message, HasSubstr("build it locally or `docker pull` it (private registries "
                                   "need `docker login` + `docker pull` first)"));
  }
  EXPECT_EQ(docker.count_calls("pull "), 1);  // one pull per distinct image
  EXPECT_EQ(docker.count_calls("create "), 0);
}

TEST_F(ImagePullTest, EveryMissingImageIsPulledEvenWhenOneFails) {
  discovery.definitions[0].image = "img/gone:1";
  docker.pullable["img/mq:1"] = "sha256:mq";
  sidecars::ObservedState observed;
  observed.image_ids["img/gone:1"] = std::nullopt;
  observed.image_ids["img/mq:1"] = std::nullopt;
  try {
    pull_missing_images(docker, discovery.definitions, observed, progress);
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("img/gone:1"));
    EXPECT_THAT(e.what(), ::testing::Not(HasSubstr("cannot pull image img/mq:1")));
  }
  EXPECT_EQ(docker.count_calls("pull img/mq:1"), 1);
  EXPECT_EQ(docker.count_calls("pull img/gone:1"), 1);
}

TEST_F(ImagePullTest, NothingMissingMeansNoPull) {
  docker.images["img/mq:1"] = "sha256:mq";
  prepare_run(options, discovery, docker, {}, progress);
  EXPECT_EQ(docker.count_calls("pull "), 0);
  EXPECT_TRUE(progress.lines.empty());
}

}  // namespace
}  // namespace run_anvil::launcher
