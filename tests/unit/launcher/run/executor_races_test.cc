// The executor against peers: other launchers creating, starting and removing the same shared
// sidecar at the same moment (issue 6). The real-engine proof is tests/e2e/test_hardening.sh.
#include <gtest/gtest.h>

#include "definitions_builder.h"
#include "fake_docker.h"
#include "run_anvil/launcher/os/process.h"
#include "run_anvil/launcher/run/executor.h"
#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/plan/config_hash.h"

namespace run_anvil::launcher {
namespace {

using fakes::port_sidecar;
using sidecars::Definition;

const std::string kName = "swarmforge-shared-pg";

// A daemon with a peer launcher acting on the same name, scripted per call.
class PeerDocker : public fakes::FakeDocker {
 public:
  // Called before each create; may change state (a peer acting) and return true to answer 409.
  std::function<bool(int attempt)> before_create = [](int) { return false; };
  // Called on each remove; return true to answer 409 "removal already in progress".
  std::function<bool(const std::string& id)> before_remove = [](const std::string&) {
    return false;
  };
  int creates = 0;

  std::string create_container(const ContainerSpec& spec) override {
    if (before_create(creates++)) {
      calls.push_back("create " + spec.name + " (409)");
      throw DockerError(409,
                        "Conflict. The container name \"/" + spec.name + "\" is already in use");
    }
    return FakeDocker::create_container(spec);
  }
  void remove_container(const std::string& id) override {
    if (before_remove(id)) {
      calls.push_back("remove " + id + " (409)");
      throw DockerError(409, "removal of container " + id + " is already in progress");
    }
    FakeDocker::remove_container(id);
  }
  void remove_container_keeping_volumes(const std::string& id) override {
    if (before_remove(id)) {
      calls.push_back("remove-keep-volumes " + id + " (409)");
      throw DockerError(409, "removal of container " + id + " is already in progress");
    }
    FakeDocker::remove_container_keeping_volumes(id);
  }
};

class ExecutorRacesTest : public ::testing::Test {
 protected:
  PeerDocker docker;
  fakes::FakeClock clock;
  fakes::FakeDialer dialer;
  fakes::RecordingProgress progress;
  std::function<void()> interrupt = [] {};
  ExecutorDeps deps{docker, clock, dialer, progress, [this] { interrupt(); }};
  std::vector<Definition> defs{port_sidecar("pg", 5432)};

  sidecars::Plan plan() {
    for (const auto& d : defs) docker.images[d.image] = "sha256:" + d.name;
    docker.networks["swarmforge-net"] = {"n1", "swarmforge-net", "bridge", {}, {}};
    sidecars::ObservedState o;
    for (const auto& d : defs) o.image_ids[d.image] = docker.images[d.image];
    o.network_driver = "bridge";
    for (const auto& [name, c] : docker.containers) {
      sidecars::ObservedContainer oc;
      oc.id = c.id;
      oc.name = name;
      oc.running = c.running;
      oc.state = c.state;
      oc.labels = c.labels;
      for (const auto& [net, a] : c.networks) oc.network_ips[net] = a.ip;
      o.containers[name] = oc;
    }
    return sidecars::make_plan(defs, o, sidecars::parse_anvil_argv({"docker", "run", "h"}));
  }

  // What a peer launcher's create leaves: a managed container of this definition.
  std::string peer_creates(bool started, const std::string& network = "swarmforge-net",
                           const std::string& hash = "") {
    auto& c = docker.add_container(
        kName, started,
        sidecars::container_labels(defs[0], hash.empty() ? sidecars::config_hash(defs[0]) : hash,
                                   "sha256:pg"));
    if (!started) c.state = "created";
    c.networks[network] = {"n-" + network, started ? "172.18.0.9" : "", {"pg"}};
    return c.id;
  }

  std::string error_of(const sidecars::Plan& p) {
    try {
      execute_plan(deps, p, defs);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
};

TEST_F(ExecutorRacesTest, ConflictWhileAPeersCreateIsStillInFlightWaitsThenAdopts) {
  auto p = plan();  // observed: absent
  std::string theirs;
  // The daemon reserves the name before the peer's container can be inspected: conflicts with
  // nothing to see for a while, then the peer's container appears.
  docker.before_create = [&](int attempt) {
    if (attempt == 6) theirs = peer_creates(false);
    return true;
  };
  execute_plan(deps, p, defs);
  EXPECT_EQ(docker.containers.at(kName).id, theirs);
  EXPECT_TRUE(docker.containers.at(kName).running);
  EXPECT_EQ(docker.count_calls("remove"), 0);
  EXPECT_GT(clock.slept.count(), 0);
}

TEST_F(ExecutorRacesTest, NameThatStaysTakenByAnInvisibleContainerFailsAfterAPatience) {
  auto p = plan();
  docker.before_create = [](int) { return true; };
  std::string err = error_of(p);
  EXPECT_NE(err.find("stayed taken by a container the daemon would not show"), std::string::npos)
      << err;
  EXPECT_NE(err.find("docker ps -a --filter name=" + kName), std::string::npos) << err;
}

TEST_F(ExecutorRacesTest, PeersFreshContainerCreatedButNotStartedIsStartedNeverRemoved) {
  std::string theirs = peer_creates(false);
  auto p = plan();  // observed: created, matching
  execute_plan(deps, p, defs);
  EXPECT_EQ(docker.containers.at(kName).id, theirs);
  EXPECT_TRUE(docker.containers.at(kName).running);
  EXPECT_EQ(docker.count_calls("remove"), 0);
  EXPECT_EQ(docker.count_calls("start " + theirs), 1);
}

TEST_F(ExecutorRacesTest, AdoptedContainerJoinsThisRunsNetwork) {
  auto p = plan();
  docker.before_create = [&](int attempt) {
    if (attempt == 0) peer_creates(true, "agents");  // a peer launched for another network
    return true;
  };
  execute_plan(deps, p, defs);
  EXPECT_EQ(docker.count_calls("connect swarmforge-net"), 1);
  EXPECT_TRUE(docker.containers.at(kName).networks.count("swarmforge-net"));
}

TEST_F(ExecutorRacesTest, StaleSidecarBeingRemovedByAPeerIsReplacedOnceAndAdopted) {
  std::string old = peer_creates(true, "swarmforge-net", std::string(64, 'a'));
  auto p = plan();  // observed: stale
  std::string theirs;
  // The peer is already removing the old one (our remove: 409); the old one holds the name for
  // one more create, then the peer's replacement holds it.
  docker.before_remove = [&](const std::string& id) { return id == old; };
  docker.before_create = [&](int attempt) {
    if (attempt == 1) {
      docker.containers.erase(kName);
      theirs = peer_creates(false);
    }
    return true;
  };
  execute_plan(deps, p, defs);
  EXPECT_EQ(docker.containers.at(kName).id, theirs);
  EXPECT_TRUE(docker.containers.at(kName).running);
  // Only ever the old ID was removed, never the peer's fresh container.
  for (const auto& call : docker.calls) {
    if (call.rfind("remove", 0) == 0) {
      EXPECT_EQ(call, "remove-keep-volumes " + old + " (409)");
    }
  }
}

TEST_F(ExecutorRacesTest, OldContainerStillHoldingTheNameIsNotMistakenForAForeignOne) {
  std::string old = peer_creates(true, "swarmforge-net", std::string(64, 'a'));
  auto p = plan();
  docker.before_remove = [&](const std::string& id) { return id == old; };  // removal pending
  docker.before_create = [&](int attempt) {
    if (attempt < 3) return true;    // the old one still holds the name
    docker.containers.erase(kName);  // its removal completed
    return false;
  };
  execute_plan(deps, p, defs);
  EXPECT_NE(docker.containers.at(kName).id, old);
  EXPECT_EQ(docker.creates, 4);
}

TEST_F(ExecutorRacesTest, DaemonErrorOnCreateNamesTheSidecarAndQuotesTheDaemon) {
  auto p = plan();
  docker.images.clear();  // the fake's create answers 404 "No such image: ..."
  std::string err = error_of(p);
  EXPECT_NE(err.find("sidecar \"pg\": cannot create " + kName +
                     ": the Docker daemon said: No such image: "),
            std::string::npos)
      << err;
}

TEST_F(ExecutorRacesTest, LongReadinessIntervalIsSlicedSoAnInterruptionIsPrompt) {
  defs[0].readiness.interval = std::chrono::milliseconds(60000);
  defs[0].readiness.timeout = std::chrono::milliseconds(600000);
  dialer.answer = [](const std::string&, int) { return DialResult::Refused; };
  auto p = plan();
  // The signal arrives during the first pause between probes.
  interrupt = [&] {
    if (clock.slept.count() > 0) throw Interrupted(2);
  };
  EXPECT_THROW(execute_plan(deps, p, defs), Interrupted);
  EXPECT_LE(clock.slept, std::chrono::milliseconds(100));
}

}  // namespace
}  // namespace run_anvil::launcher
