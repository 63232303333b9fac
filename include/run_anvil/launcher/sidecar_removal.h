#pragma once

#include <chrono>

#include "run_anvil/launcher/docker_cli.h"

// Taking one managed container down, as `down` and `doctor --fix` do: detach it from every
// network first (so no anvil resolves its name to a dying container), stop it gracefully, remove
// it. The caller has checked that it is managed and may be removed.
namespace run_anvil::launcher {

inline constexpr std::chrono::seconds kStopGrace{10};

void remove_sidecar(DockerCLI& docker, const ContainerInfo& container);

}  // namespace run_anvil::launcher
