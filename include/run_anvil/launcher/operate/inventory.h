#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "run_anvil/launcher/docker/engine.h"
#include "run_anvil/launcher/resources/session.h"
#include "run_anvil/sidecars/define/definition.h"
#include "run_anvil/sidecars/operate/inventory.h"
#include "run_anvil/sidecars/plan/recreation_policy.h"

namespace run_anvil::launcher {

// With `sessions`, stale sessions are looked up too, judged by it.
Inventory take_inventory(EngineReader& docker, const std::vector<sidecars::Definition>& definitions,
                         const LivenessCheck* sessions = nullptr);

}  // namespace run_anvil::launcher
