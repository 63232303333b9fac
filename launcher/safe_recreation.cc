#include "run_anvil/launcher/safe_recreation.h"

#include "run_anvil/launcher/definition_origin.h"
#include "run_anvil/launcher/sidecar_users.h"
#include "run_anvil/sidecars/recreation_policy.h"

namespace run_anvil::launcher {

std::vector<std::string> apply_safe_recreation(DockerCLI& docker,
                                               const sidecars::ObservedState& observed,
                                               const std::vector<sidecars::Definition>& definitions,
                                               const std::vector<std::string>& forced,
                                               sidecars::Plan& plan) {
  sidecars::SidecarUsers users;
  const std::vector<std::string> needing = sidecars::containers_needing_users(plan, observed);
  if (!needing.empty()) {
    std::vector<SidecarContainer> sidecars;
    for (const auto& name : needing)
      sidecars.push_back(sidecar_container(observed.containers.at(name)));
    std::set<std::string> known_ids;
    for (const auto& [name, c] : observed.containers) known_ids.insert(c.id);
    users = find_sidecar_users(docker, sidecars, known_ids);
  }
  sidecars::RecreationInputs in{
      observed, users, {forced.begin(), forced.end()}, definition_origins(definitions)};
  return sidecars::apply_recreation_policy(plan, in);
}

}  // namespace run_anvil::launcher
