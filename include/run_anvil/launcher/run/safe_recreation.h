#pragma once

#include <string>
#include <vector>

#include "run_anvil/launcher/docker/engine.h"
#include "run_anvil/sidecars/define/definition.h"
#include "run_anvil/sidecars/plan/plan.h"

// The effectful half of the recreation policy (sidecars/recreation_policy.h): looks up who uses
// the running containers the plan would recreate (only those, so the warm path costs no extra
// daemon call), then applies the policy. Returns the warnings to show.
namespace run_anvil::launcher {

std::vector<std::string> apply_safe_recreation(EngineReader& docker,
                                               const sidecars::ObservedState& observed,
                                               const std::vector<sidecars::Definition>& definitions,
                                               const std::vector<std::string>& forced,
                                               sidecars::Plan& plan);

}  // namespace run_anvil::launcher
