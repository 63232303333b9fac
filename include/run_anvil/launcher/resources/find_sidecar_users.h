#pragma once

#include <set>
#include <string>
#include <vector>

#include "run_anvil/launcher/docker/engine.h"
#include "run_anvil/sidecars/plan/sidecar_users.h"

// The effectful half of sidecars/plan/sidecar_users.h: gathers the candidate containers.
namespace run_anvil::launcher {

// Inspects the networks the sidecars are attached to, then each container on them that is not
// one of `skip_ids` (known managed containers), and matches. Networks that vanished meanwhile
// are skipped.
sidecars::SidecarUsers find_sidecar_users(EngineReader& docker,
                                          const std::vector<SidecarContainer>& sidecars,
                                          const std::set<std::string>& skip_ids = {});

}  // namespace run_anvil::launcher
