#include "run_anvil/sidecars/plan/sidecar_users.h"

#include <algorithm>

#include "run_anvil/sidecars/define/labels.h"
#include "run_anvil/sidecars/define/naming.h"

namespace run_anvil::launcher {
namespace {

bool shares_network(const SidecarContainer& sidecar, const ContainerInfo& candidate) {
  return std::any_of(candidate.networks.begin(), candidate.networks.end(),
                     [&](const auto& net) { return sidecar.networks.count(net.first) > 0; });
}

}  // namespace

SidecarContainer sidecar_container(const ContainerInfo& info) {
  SidecarContainer s{info.id, info.name, sidecars::label_of(info.labels, sidecars::kLabelName), {}};
  for (const auto& [net, unused] : info.networks) s.networks.insert(net);
  return s;
}

SidecarContainer sidecar_container(const sidecars::ObservedContainer& observed) {
  SidecarContainer s{
      observed.id, observed.name, sidecars::label_of(observed.labels, sidecars::kLabelName), {}};
  for (const auto& [net, unused] : observed.network_ips) s.networks.insert(net);
  return s;
}

bool env_mentions_sidecar(const std::vector<std::string>& env_keys, const std::string& name) {
  // Exact names, not a prefix: "pg" must not match the coordinates of "pg-test" (PG_TEST_HOST).
  static constexpr const char* kSuffixes[] = {"HOST", "PORT", "URL", "PATH"};
  for (const char* suffix : kSuffixes) {
    std::string wanted = sidecars::env_name(name, suffix);
    if (std::find(env_keys.begin(), env_keys.end(), wanted) != env_keys.end()) return true;
  }
  return false;
}

sidecars::SidecarUsers match_users(const std::vector<SidecarContainer>& sidecars,
                                   const std::vector<ContainerInfo>& candidates) {
  sidecars::SidecarUsers users;
  for (const auto& s : sidecars) {
    auto& list = users[s.container];
    if (s.name.empty()) continue;
    for (const auto& c : candidates) {
      if (!c.running || sidecars::is_managed(c.labels) || !shares_network(s, c)) continue;
      if (env_mentions_sidecar(c.env_keys, s.name)) list.push_back(c.name);
    }
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
  return users;
}

}  // namespace run_anvil::launcher
