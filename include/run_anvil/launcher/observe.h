#pragma once

#include <string>
#include <vector>

#include "run_anvil/launcher/docker_cli.h"
#include "run_anvil/sidecars/definition.h"
#include "run_anvil/sidecars/plan.h"

// One snapshot of what the plan needs, in as few daemon calls as possible: one listing of every
// managed container, one image lookup per distinct image (concurrently), one network inspect,
// and an inspect only for names that no managed container holds (to catch unmanaged squatters).
namespace run_anvil::launcher {

sidecars::ObservedState observe(DockerCLI& docker,
                                const std::vector<sidecars::Definition>& definitions,
                                const std::string& network);

sidecars::ObservedContainer to_observed(const ContainerInfo& info);

}  // namespace run_anvil::launcher
