#pragma once

#include <chrono>

#include "run_anvil/launcher/docker/engine.h"

// Taking one managed container down, as `down` and `doctor --fix` do: detach it from every
// network first (so no anvil resolves its name to a dying container), stop it gracefully (its own
// stop signal and stop_timeout), remove it — never its volumes. The caller has checked that it is
// managed and may be removed.
namespace run_anvil::launcher {

void remove_sidecar(Engine& docker, const ContainerInfo& container);

}  // namespace run_anvil::launcher
