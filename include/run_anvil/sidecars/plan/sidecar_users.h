#pragma once

#include <set>
#include <string>
#include <vector>

#include "run_anvil/sidecars/plan/engine_objects.h"
#include "run_anvil/sidecars/plan/plan.h"
#include "run_anvil/sidecars/plan/recreation_policy.h"

// Which running anvils use a sidecar. An anvil uses sidecar X when it is a running container
// run-anvil does not manage, it shares a network with X's container, and its environment has X's
// coordinates (SWARMFORGE_TONG_<TOKEN>_HOST/_PORT/_URL/_PATH, SPEC §8), which the launcher gave
// it. Only env *names* are looked at, never values.
namespace run_anvil::launcher {

struct SidecarContainer {
  std::string id;
  std::string container;           // container name: the key of SidecarUsers
  std::string name;                // sidecar name (swarmforge.tong.name)
  std::set<std::string> networks;  // networks it is attached to
};

SidecarContainer sidecar_container(const ContainerInfo& info);
SidecarContainer sidecar_container(const sidecars::ObservedContainer& observed);

// True when `env_keys` holds coordinates of sidecar `name`.
bool env_mentions_sidecar(const std::vector<std::string>& env_keys, const std::string& name);

// Pure matching of candidate containers (inspected, with env_keys) against sidecars. Every
// sidecar container gets an entry, possibly empty; anvil names are sorted.
sidecars::SidecarUsers match_users(const std::vector<SidecarContainer>& sidecars,
                                   const std::vector<ContainerInfo>& candidates);

}  // namespace run_anvil::launcher
