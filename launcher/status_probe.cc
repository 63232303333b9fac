#include "run_anvil/launcher/status_probe.h"

#include <future>
#include <mutex>

#include "run_anvil/launcher/progress.h"
#include "run_anvil/launcher/readiness.h"
#include "run_anvil/sidecars/naming.h"

namespace run_anvil::launcher {
namespace {

using sidecars::Definition;

// The network to dial on: the managed default when attached, else any.
std::string probe_network(const ContainerInfo& c) {
  if (c.networks.count(sidecars::kDefaultNetwork)) return sidecars::kDefaultNetwork;
  return c.networks.empty() ? std::string() : c.networks.begin()->first;
}

sidecars::SidecarStep probe_step(const Definition& d, const ContainerInfo& c,
                                 std::chrono::milliseconds budget) {
  sidecars::SidecarStep step;
  step.name = d.name;
  step.container = c.name;
  step.network = probe_network(c);
  step.probe.mode = d.readiness.mode;
  step.probe.host = d.canonical_alias();
  step.probe.port = d.interface.port;
  step.probe.command = d.readiness.command;
  step.probe.timeout = budget;
  step.probe.interval = d.readiness.interval;
  return step;
}

const Definition* definition_of(const ContainerInfo& c, const std::vector<Definition>& defs) {
  std::string name = label_of(c, sidecars::kLabelName);
  for (const auto& d : defs) {
    if (d.name != name) continue;
    bool shared = d.lifecycle == sidecars::Lifecycle::Shared;
    if (shared && c.name != sidecars::shared_container_name(d.name)) return nullptr;
    return &d;
  }
  return nullptr;
}

}  // namespace

ReadyResults probe_readiness(DockerCLI& docker, Clock& clock, TcpDialer& dialer,
                             const std::vector<Definition>& definitions,
                             const Inventory& inventory, std::chrono::milliseconds budget) {
  auto progress = make_stderr_progress(Verbosity::Quiet, false);
  std::once_flag degrade_warning;
  std::vector<std::pair<std::string, std::future<bool>>> pending;
  for (const auto& c : inventory.managed) {
    const Definition* d = c.running ? definition_of(c, definitions) : nullptr;
    if (!d) continue;
    if (d->readiness.mode == sidecars::ReadinessMode::Tcp && !docker.daemon_is_local()) continue;
    auto step = probe_step(*d, c, budget);
    std::string ip;
    if (auto net = c.networks.find(step.network); net != c.networks.end()) ip = net->second.ip;
    pending.emplace_back(c.name, std::async(std::launch::async, [&, step, ip, id = c.id] {
      ReadinessDeps deps{docker, clock, dialer, *progress, [] {}, &degrade_warning};
      try {
        wait_ready(deps, step, id, ip);
        return true;
      } catch (const Error&) {
        return false;
      }
    }));
  }
  ReadyResults results;
  for (auto& [name, future] : pending) results[name] = future.get();
  return results;
}

}  // namespace run_anvil::launcher
