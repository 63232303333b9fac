#include "run_anvil/launcher/operate/status_probe.h"

#include <atomic>
#include <future>
#include <mutex>
#include <optional>

#include "run_anvil/launcher/os/progress.h"
#include "run_anvil/launcher/probe/readiness.h"
#include "run_anvil/sidecars/define/naming.h"

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

// The definition to probe `c` with: one of that name whose file made `c`. A readiness command
// is never run inside a container made from another definition (another project's sidecar, or
// another run's session sidecar, of the same name): it would run their code path with our
// command (SPEC §14).
const Definition* definition_of(const ContainerInfo& c, const std::vector<Definition>& defs,
                                const Inventory& inv) {
  std::string name = label_of(c, sidecars::kLabelName);
  for (const auto& d : defs) {
    if (d.name != name) continue;
    bool shared = d.lifecycle == sidecars::Lifecycle::Shared;
    if (shared && c.name != sidecars::shared_container_name(d.name)) return nullptr;
    if (to_string(d.lifecycle) != label_of(c, sidecars::kLabelLifecycle)) return nullptr;
    return origin_of(c, &d, inv) == sidecars::Origin::Ours ? &d : nullptr;
  }
  return nullptr;
}

// Notices the probe degrading to a running check: that says nothing about readiness.
class DegradeDetector : public Progress {
 public:
  void sidecar(const std::string&, const std::string&, bool) override {}
  void waiting(const std::string&, const std::string&) override {}
  void warn(const std::string&) override { degraded = true; }
  void finish() override {}
  std::atomic<bool> degraded{false};
};

std::optional<bool> probe_once(Engine& docker, Clock& clock, TcpDialer& dialer,
                               const sidecars::SidecarStep& step, const std::string& id,
                               const std::string& ip) {
  DegradeDetector progress;
  std::once_flag degrade_warning;
  ReadinessDeps deps{docker, clock, dialer, progress, [] {}, &degrade_warning};
  bool ready = true;
  try {
    wait_ready(deps, step, id, ip);
  } catch (const Error&) {
    ready = false;
  }
  if (progress.degraded) return std::nullopt;
  return ready;
}

}  // namespace

ReadyResults probe_readiness(Engine& docker, Clock& clock, TcpDialer& dialer,
                             const std::vector<Definition>& definitions, const Inventory& inventory,
                             std::chrono::milliseconds budget) {
  std::vector<std::pair<std::string, std::future<std::optional<bool>>>> pending;
  for (const auto& c : inventory.managed) {
    const Definition* d = c.running ? definition_of(c, definitions, inventory) : nullptr;
    if (!d) continue;
    if (d->readiness.mode == sidecars::ReadinessMode::Tcp && !docker.daemon_is_local()) continue;
    auto step = probe_step(*d, c, budget);
    std::string ip;
    if (auto net = c.networks.find(step.network); net != c.networks.end()) ip = net->second.ip;
    pending.emplace_back(c.name, std::async(std::launch::async, [&, step, ip, id = c.id] {
                           return probe_once(docker, clock, dialer, step, id, ip);
                         }));
  }
  ReadyResults results;
  for (auto& [name, future] : pending) {
    if (auto ready = future.get()) results[name] = *ready;
  }
  return results;
}

}  // namespace run_anvil::launcher
