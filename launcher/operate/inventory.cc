#include "run_anvil/launcher/operate/inventory.h"

#include <algorithm>
#include <future>

#include "run_anvil/launcher/os/origin_facts.h"
#include "run_anvil/launcher/resources/observe.h"
#include "run_anvil/sidecars/define/definition_origin.h"
#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/plan/sidecar_users.h"

namespace run_anvil::launcher {
namespace {

constexpr std::string_view kSharedPrefix = "swarmforge-shared-";

bool shares_network_with_any(const ContainerInfo& c, const std::set<std::string>& networks) {
  for (const auto& [net, unused] : c.networks) {
    if (networks.count(net)) return true;
  }
  return false;
}

// Inspects concurrently, a bounded number at a time: status on a host with many agents should
// not pay one round trip each, nor start hundreds of threads.
std::vector<ContainerInfo> inspect_all(EngineReader& docker, const std::vector<std::string>& ids) {
  constexpr std::size_t kParallel = 16;
  std::vector<ContainerInfo> out;
  for (std::size_t start = 0; start < ids.size(); start += kParallel) {
    std::vector<std::future<std::optional<ContainerInfo>>> pending;
    for (std::size_t i = start; i < std::min(ids.size(), start + kParallel); ++i) {
      pending.push_back(std::async(
          std::launch::async, [&docker, &id = ids[i]] { return docker.inspect_container(id); }));
    }
    for (auto& f : pending) {
      // Removed since the listing: it is simply not there any more.
      if (auto info = f.get()) out.push_back(std::move(*info));
    }
  }
  return out;
}

}  // namespace

Inventory take_inventory(EngineReader& docker, const std::vector<sidecars::Definition>& definitions,
                         const LivenessCheck* sessions) {
  auto images = std::async(std::launch::async, [&docker, &definitions] {
    return look_up_image_ids(docker, definitions);
  });
  Inventory inv;
  std::vector<std::string> managed_ids;
  for (auto& c : docker.list_containers({})) {
    if (is_managed(c) && c.labels.count(sidecars::kLabelProbe)) {
      inv.probes.push_back(std::move(c));
    } else if (is_managed(c)) {
      managed_ids.push_back(c.id);
    } else if (c.name.rfind(kSharedPrefix, 0) == 0) {
      inv.squatters.push_back(std::move(c));
    } else {
      inv.others.push_back(std::move(c));
    }
  }
  inv.managed = inspect_all(docker, managed_ids);

  std::set<std::string> sidecar_networks;
  std::vector<SidecarContainer> sidecars;
  std::vector<std::map<std::string, std::string>> labels;
  for (const auto& c : inv.managed) {
    for (const auto& [net, unused] : c.networks) sidecar_networks.insert(net);
    sidecars.push_back(sidecar_container(c));
    labels.push_back(c.labels);
  }
  inv.origins = origin_facts(labels);
  std::vector<std::string> candidate_ids;
  for (const auto& c : inv.others) {
    if (c.running && shares_network_with_any(c, sidecar_networks)) candidate_ids.push_back(c.id);
  }
  inv.users = match_users(sidecars, inspect_all(docker, candidate_ids));

  sidecar_networks.insert(sidecars::kDefaultNetwork);
  for (const auto& net : sidecar_networks) inv.networks[net] = docker.inspect_network(net);
  if (sessions) inv.stale_sessions = find_stale_sessions(docker, *sessions);
  inv.image_ids = images.get();
  return inv;
}

}  // namespace run_anvil::launcher
