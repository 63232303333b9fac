#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "run_anvil/launcher/docker/engine.h"
#include "run_anvil/sidecars/define/definition.h"
#include "run_anvil/sidecars/plan/plan.h"

// One snapshot of what the plan needs, in as few daemon calls as possible: one listing of every
// managed container, one image lookup per distinct image (concurrently), one network inspect,
// and an inspect only for names that no managed container holds (to catch unmanaged squatters).
namespace run_anvil::launcher {

// `managed`: the listing of every managed container when the caller already took it (a run
// takes it once for the stale-session sweep and this snapshot); nullptr lists here.
sidecars::ObservedState observe(EngineReader& docker,
                                const std::vector<sidecars::Definition>& definitions,
                                const std::string& network,
                                const std::vector<ContainerInfo>* managed = nullptr);

// Every container labelled managed-by=run-anvil, in one daemon call.
std::vector<ContainerInfo> list_managed(EngineReader& docker);

// The local image ID of every distinct image the definitions name (nullopt: not present),
// looked up concurrently.
std::map<std::string, std::optional<std::string>> look_up_image_ids(
    EngineReader& docker, const std::vector<sidecars::Definition>& definitions);

sidecars::ObservedContainer to_observed(const ContainerInfo& info);

}  // namespace run_anvil::launcher
