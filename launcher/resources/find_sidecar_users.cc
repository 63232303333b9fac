#include "run_anvil/launcher/resources/find_sidecar_users.h"

namespace run_anvil::launcher {

sidecars::SidecarUsers find_sidecar_users(EngineReader& docker,
                                          const std::vector<SidecarContainer>& sidecars,
                                          const std::set<std::string>& skip_ids) {
  std::set<std::string> networks;
  std::set<std::string> skip = skip_ids;
  for (const auto& s : sidecars) {
    networks.insert(s.networks.begin(), s.networks.end());
    skip.insert(s.id);
  }
  std::set<std::string> ids;
  for (const auto& name : networks) {
    auto net = docker.inspect_network(name);
    if (!net) continue;
    for (const auto& id : net->container_ids) {
      if (!skip.count(id)) ids.insert(id);
    }
  }
  std::vector<ContainerInfo> candidates;
  for (const auto& id : ids) {
    // Gone since the network was inspected: it uses nothing any more.
    if (auto info = docker.inspect_container(id)) candidates.push_back(std::move(*info));
  }
  return match_users(sidecars, candidates);
}

}  // namespace run_anvil::launcher
