#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <set>
#include <thread>

#include "run_anvil/launcher/docker/engine_api.h"

// Talks to the real daemon; runs only with RUN_ANVIL_REAL_DOCKER=1 and a local busybox image
// named by $TEST_IMAGE (default run-anvil-test/busybox:1, imported by tests/lib/setup.sh)
// image (busybox without CMD). Creates only `enginetest-*` containers and networks.
namespace run_anvil::launcher {
namespace {

using std::chrono::milliseconds;
using ::testing::Contains;
using ::testing::HasSubstr;

std::string test_image() {
  const char* image = std::getenv("TEST_IMAGE");
  return image != nullptr && *image != '\0' ? image : "run-anvil-test/busybox:1";
}
const std::string kImage = test_image();

// Removes what a test created even when an assertion fails half-way.
class Cleanup {
 public:
  explicit Cleanup(Engine& docker) : docker_(docker) {}
  ~Cleanup() {
    for (const auto& c : containers) try_to([&] { docker_.remove_container(c); });
    for (const auto& n : networks) try_to([&] { docker_.remove_network(n); });
  }
  Cleanup(const Cleanup&) = delete;
  Cleanup& operator=(const Cleanup&) = delete;
  std::vector<std::string> containers;
  std::vector<std::string> networks;

 private:
  template <typename F>
  static void try_to(F f) {
    try {
      f();
    } catch (const std::exception& e) {
      std::cerr << "cleanup: " << e.what() << "\n";
    }
  }
  Engine& docker_;
};

class EngineApiRealTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* flag = std::getenv("RUN_ANVIL_REAL_DOCKER");
    if (flag == nullptr || std::string(flag) != "1") GTEST_SKIP() << "RUN_ANVIL_REAL_DOCKER!=1";
    docker = make_engine_api(make_curl_transport(resolve_docker_endpoint()));
    cleanup = std::make_unique<Cleanup>(*docker);
  }
  void TearDown() override { cleanup.reset(); }

  std::string unique(const std::string& what) {
    return "enginetest-" + what + "-" + std::to_string(getpid());
  }

  std::string sleeper(const std::string& name, const std::string& network,
                      std::vector<std::string> cmd = {"sleep", "30"}) {
    ContainerSpec spec;
    spec.name = name;
    spec.image = kImage;
    spec.cmd = std::move(cmd);
    spec.labels = {{"enginetest", name}};
    spec.network = network;
    spec.aliases = {"probe-alias"};
    cleanup->containers.push_back(name);
    return docker->create_container(spec);
  }

  std::unique_ptr<Engine> docker;
  std::unique_ptr<Cleanup> cleanup;
};

TEST_F(EngineApiRealTest, ContainerLifecycleMapsWhatTheDaemonReports) {
  const std::string net = unique("net");
  cleanup->networks.push_back(net);
  const NetworkInfo network = docker->ensure_network(net, {{"enginetest", "1"}});
  EXPECT_EQ(docker->ensure_network(net, {}).id, network.id);
  EXPECT_EQ(network.driver, "bridge");

  const std::string name = unique("c");
  const std::string id = sleeper(name, net);
  try {
    sleeper(name, net);
    FAIL() << "second create with the same name must conflict";
  } catch (const DockerError& e) {
    EXPECT_EQ(e.status(), 409);
    EXPECT_THAT(e.what(), HasSubstr("already in use"));
  }
  docker->start_container(id);
  EXPECT_NO_THROW(docker->start_container(id));

  const auto info = docker->inspect_container(name);
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(info->running);
  EXPECT_EQ(info->image, kImage);
  EXPECT_EQ(docker->image_id(kImage), info->image_id);
  EXPECT_FALSE(info->started_at.empty());
  EXPECT_THAT(info->networks.at(net).aliases, Contains("probe-alias"));
  std::cout << "inspect aliases:";
  for (const auto& a : info->networks.at(net).aliases) std::cout << " " << a;

  const auto listed = docker->list_containers({{"enginetest", name}});
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].name, name);
  EXPECT_EQ(listed[0].networks.at(net).ip, info->networks.at(net).ip);
  std::cout << "\nlist aliases:";
  for (const auto& a : listed[0].networks.at(net).aliases) std::cout << " " << a;
  std::cout << "\n";
  EXPECT_TRUE(docker->list_containers({{"enginetest", name + "-other"}}).empty());

  docker->remove_container(id);
  EXPECT_NO_THROW(docker->remove_container(id));
  EXPECT_FALSE(docker->inspect_container(name).has_value());
  docker->remove_network(net);
  EXPECT_NO_THROW(docker->remove_network(net));
  EXPECT_FALSE(docker->inspect_network(net).has_value());
}

TEST_F(EngineApiRealTest, ExecReturnsOutputExitCodeAndHonoursDeadline) {
  const std::string id = sleeper(unique("exec"), "");
  docker->start_container(id);
  const ExecResult done =
      docker->exec(id, {"sh", "-c", "echo out; echo err >&2; exit 3"}, milliseconds(5000));
  EXPECT_EQ(done.exit_code, 3);
  EXPECT_THAT(done.output, HasSubstr("out\n"));
  EXPECT_THAT(done.output, HasSubstr("err\n"));

  const auto before = std::chrono::steady_clock::now();
  const ExecResult slow = docker->exec(id, {"sleep", "5"}, milliseconds(300));
  EXPECT_EQ(slow.exit_code, -1);
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(2));
  EXPECT_EQ(docker->exec(id, {"true"}, milliseconds(5000)).exit_code, 0);
}

TEST_F(EngineApiRealTest, LogsTailDemultiplexesBothStreams) {
  const std::string id = sleeper(
      unique("logs"), "", {"sh", "-c", "echo one; echo two >&2; sleep 0.3; echo three; sleep 30"});
  docker->start_container(id);
  std::string logs;
  for (int i = 0; i < 50 && logs.find("three") == std::string::npos; ++i) {
    std::this_thread::sleep_for(milliseconds(50));
    logs = docker->logs_tail(id, 10);
  }
  EXPECT_THAT(logs, HasSubstr("one\n"));
  EXPECT_THAT(logs, HasSubstr("two\n"));
  EXPECT_EQ(docker->logs_tail(id, 1), "three\n");
  EXPECT_EQ(docker->logs_tail(unique("absent"), 5), "");
}

TEST_F(EngineApiRealTest, NetworkAttachDetachIsIdempotentWhereTheContractSaysSo) {
  const std::string net = unique("net2");
  cleanup->networks.push_back(net);
  docker->ensure_network(net, {});
  const std::string id = sleeper(unique("attach"), "");
  docker->start_container(id);
  docker->connect_network(net, id, {"extra"});
  EXPECT_THAT(docker->inspect_container(id)->networks.at(net).aliases, Contains("extra"));
  EXPECT_THROW(docker->connect_network(net, id, {"extra"}), DockerError);
  docker->disconnect_network(net, id);
  EXPECT_NO_THROW(docker->disconnect_network(net, id));
  EXPECT_NO_THROW(docker->disconnect_network(unique("nonet"), id));
  EXPECT_EQ(docker->inspect_container(id)->networks.count(net), 0u);
}

// Separate engines stand in for separate launcher processes (no shared in-process lock).
TEST_F(EngineApiRealTest, ConcurrentEnsureNetworkFromManyLaunchersConvergesOnOne) {
  const std::string net = unique("race");
  cleanup->networks.push_back(net);
  std::vector<std::string> ids(8);
  std::vector<std::thread> threads;
  for (auto& out : ids) {
    threads.emplace_back([&] {
      try {
        auto launcher = make_engine_api(make_curl_transport(resolve_docker_endpoint()));
        out = launcher->ensure_network(net, {}).id;
      } catch (const std::exception& e) {
        out = std::string("error: ") + e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1u) << ids[0] << " " << ids[1];
  EXPECT_EQ(docker->inspect_network(net)->id, ids[0]);
}

TEST_F(EngineApiRealTest, MissingImageAndStoppedContainerSurfaceDaemonErrors) {
  EXPECT_FALSE(docker->image_id("enginetest-missing:nope").has_value());
  ContainerSpec spec;
  spec.name = unique("noimage");
  spec.image = "enginetest-missing:nope";
  cleanup->containers.push_back(spec.name);
  try {
    docker->create_container(spec);
    FAIL() << "expected 404";
  } catch (const DockerError& e) {
    EXPECT_EQ(e.status(), 404);
    std::cout << "missing image: " << e.what() << "\n";
  }
  const std::string id = sleeper(unique("stopped"), "");
  try {
    docker->exec(id, {"true"}, milliseconds(1000));
    FAIL() << "exec in a created container must fail";
  } catch (const DockerError& e) {
    std::cout << "exec in stopped: " << e.status() << " " << e.what() << "\n";
  }
}

}  // namespace
}  // namespace run_anvil::launcher
