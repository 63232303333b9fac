#pragma once

#include "run_anvil/sidecars/define/definition.h"
#include "run_anvil/sidecars/plan/engine_objects.h"
#include "run_anvil/sidecars/plan/plan.h"

// Definition + plan step -> the container the daemon is asked to create.
namespace run_anvil::launcher {

ContainerSpec make_container_spec(const sidecars::Definition& definition,
                                  const sidecars::SidecarStep& step);

}  // namespace run_anvil::launcher
