#pragma once

#include <gtest/gtest.h>

#include <sstream>

#include "definitions_builder.h"
#include "fake_docker.h"
#include "run_anvil/launcher/cli/operate.h"
#include "run_anvil/launcher/os/origin_facts.h"
#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/plan/config_hash.h"
#include "run_anvil/sidecars/plan/plan.h"

// A daemon with shared sidecars and anvils in it, for the status / doctor / down tests.
namespace run_anvil::launcher {

class OperateTest : public ::testing::Test {
 protected:
  // 2024-05-01T12:00:00Z
  static constexpr long long kNow = 1714564800;

  OperateTest() {
    discovery.definitions.reserve(16);  // define() hands out references into it
    docker.networks[sidecars::kDefaultNetwork] = {
        "net-swarmforge-net", sidecars::kDefaultNetwork, "bridge", {}, {}};
  }

  // A discovered definition whose image is present locally.
  sidecars::Definition& define(sidecars::Definition d) {
    docker.images[d.image] = "sha256:" + d.name;
    discovery.definitions.push_back(std::move(d));
    return discovery.definitions.back();
  }

  // A managed shared container made from `d` (up to date unless `hash` is given), running on
  // swarmforge-net since 10 minutes before kNow.
  ContainerInfo& add_sidecar(const sidecars::Definition& d, bool running = true,
                             std::string hash = "", std::string origin = "/repo/") {
    auto labels = sidecars::container_labels(d, hash.empty() ? sidecars::config_hash(d) : hash,
                                             "sha256:" + d.name);
    if (!origin.empty()) {
      labels[sidecars::kLabelDefinition] =
          origin == "/repo/" ? "/repo/" + d.name + ".toml" : origin;
      // Recorded from this very process's vantage, so a missing file proves "gone".
      labels[sidecars::kLabelDefinitionSeen] = origin_vantage();
    }
    auto& c = docker.add_container(sidecars::shared_container_name(d.name), running, labels);
    c.image = d.image;
    c.networks[sidecars::kDefaultNetwork] = {
        "net-swarmforge-net", running ? "172.18.0.9" : "", {d.name}};
    if (running) c.started_at = "2024-05-01T11:50:00.123456789Z";
    return c;
  }

  // An anvil container given `sidecar`'s coordinates, on `network`.
  ContainerInfo& add_anvil(const std::string& name, const std::string& sidecar,
                           const std::string& network = sidecars::kDefaultNetwork,
                           bool running = true) {
    auto& c = docker.add_container(name, running, {});
    if (!sidecar.empty()) {
      c.env_keys = {"PATH", sidecars::env_name(sidecar, "HOST"),
                    sidecars::env_name(sidecar, "PORT")};
    }
    c.networks[network] = {"net-" + network, running ? "172.18.0.50" : "", {}};
    return c;
  }

  OperateDeps deps() {
    return OperateDeps{docker,
                       clock,
                       dialer,
                       out,
                       err,
                       Verbosity::Normal,
                       std::chrono::system_clock::time_point(std::chrono::seconds(kNow))};
  }

  bool called(const std::string& call) const {
    return std::find(docker.calls.begin(), docker.calls.end(), call) != docker.calls.end();
  }
  std::ptrdiff_t index_of(const std::string& call) const {
    auto it = std::find(docker.calls.begin(), docker.calls.end(), call);
    return it == docker.calls.end() ? -1 : it - docker.calls.begin();
  }

  fakes::FakeDocker docker;
  fakes::FakeClock clock;
  fakes::FakeDialer dialer;
  std::ostringstream out;
  std::ostringstream err;
  sidecars::Discovery discovery;
};

}  // namespace run_anvil::launcher
