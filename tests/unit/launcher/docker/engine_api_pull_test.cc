// EngineApi::pull_image: the request the docker CLI would send, and failures that arrive inside
// the daemon's HTTP 200 progress stream.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fake_http_transport.h"
#include "run_anvil/launcher/docker/engine_api.h"

namespace run_anvil::launcher {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

constexpr const char* kSuccessStream =
    "{\"status\":\"Pulling from library/redis\",\"id\":\"7\"}\n"
    "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":10,\"total\":20},\"id\":\"a1\"}\n"
    "{\"status\":\"Digest: sha256:abc\"}\n"
    "{\"status\":\"Status: Downloaded newer image for redis:7\"}\n";

class EngineApiPullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto transport = std::make_unique<FakeHttpTransport>();
    fake = transport.get();
    fake->on("GET /version", 200, R"({"Version":"20.10.24","ApiVersion":"1.41"})");
    api = make_engine_api(std::move(transport));
  }

  FakeHttpTransport* fake = nullptr;
  std::unique_ptr<Engine> api;
};

TEST_F(EngineApiPullTest, SplitsTheTagIntoItsOwnParameterAndWaitsTheGivenTime) {
  fake->on("POST /v1.41/images/create?fromImage=redis&tag=7", 200, kSuccessStream);
  api->pull_image("redis:7", milliseconds(600000));
  EXPECT_EQ(fake->requests.back().method, "POST");
  EXPECT_EQ(fake->requests.back().timeout, milliseconds(600000));
}

TEST_F(EngineApiPullTest, RegistryPortIsNotATagAndAnUntaggedNamePullsLatestOnly) {
  fake->on("POST /v1.41/images/create?fromImage=localhost%3A5000%2Fx&tag=latest", 200,
           kSuccessStream);
  api->pull_image("localhost:5000/x", milliseconds(1000));
  EXPECT_EQ(fake->requests.back().path,
            "/v1.41/images/create?fromImage=localhost%3A5000%2Fx&tag=latest");
}

TEST_F(EngineApiPullTest, RegistryPortAndTagSplitAtTheLastColon) {
  fake->on("POST /v1.41/images/create?fromImage=localhost%3A5000%2Fteam%2Fx&tag=2.1", 200,
           kSuccessStream);
  EXPECT_NO_THROW(api->pull_image("localhost:5000/team/x:2.1", milliseconds(1000)));
}

TEST_F(EngineApiPullTest, DigestStaysInFromImageWithoutATag) {
  const std::string digest =
      "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  const std::string path = "/v1.41/images/create?fromImage=redis%40sha256%3A" + digest.substr(7);
  fake->on("POST " + path, 200, kSuccessStream);
  api->pull_image("redis@" + digest, milliseconds(1000));
  EXPECT_EQ(fake->requests.back().path, path);
}

TEST_F(EngineApiPullTest, AnErrorLineInsideA200StreamIsTheDaemonsMessage) {
  fake->on("POST /v1.41/images/create?fromImage=acme%2Fprivate&tag=1", 200,
           "{\"status\":\"Pulling from acme/private\",\"id\":\"1\"}\n"
           "{\"errorDetail\":{\"message\":\"pull access denied for acme/private, repository does "
           "not exist or may require 'docker login'\"},\"error\":\"pull access denied for "
           "acme/private, repository does not exist or may require 'docker login'\"}\n");
  try {
    api->pull_image("acme/private:1", milliseconds(1000));
    FAIL() << "expected DockerError";
  } catch (const DockerError& e) {
    EXPECT_EQ(std::string(e.what()),
              "pull access denied for acme/private, repository does not exist or may require "
              "'docker login'");
  }
}

TEST_F(EngineApiPullTest, AnErrorDetailWithoutErrorTextStillFails) {
  fake->on("POST /v1.41/images/create?fromImage=x&tag=1", 200,
           "{\"errorDetail\":{\"message\":\"unexpected EOF\"}}");
  EXPECT_THROW(
      {
        try {
          api->pull_image("x:1", milliseconds(1000));
        } catch (const DockerError& e) {
          EXPECT_THAT(e.what(), HasSubstr("unexpected EOF"));
          throw;
        }
      },
      DockerError);
}

TEST_F(EngineApiPullTest, AnHttpErrorBeforeTheStreamIsTheDaemonsMessage) {
  fake->on(
      "POST /v1.41/images/create?fromImage=run-anvil-test%2Fnever-built&tag=1", 500,
      R"({"message":"Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io: no such host"})");
  try {
    api->pull_image("run-anvil-test/never-built:1", milliseconds(1000));
    FAIL() << "expected DockerError";
  } catch (const DockerError& e) {
    EXPECT_EQ(e.status(), 500);
    EXPECT_THAT(e.what(), HasSubstr("no such host"));
  }
}

}  // namespace
}  // namespace run_anvil::launcher
