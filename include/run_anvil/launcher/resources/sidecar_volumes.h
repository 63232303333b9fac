#pragma once

#include <optional>
#include <string>
#include <vector>

#include "run_anvil/launcher/docker/engine.h"

// The volumes that hold one shared sidecar's data (SPEC §11), for `down` to name what it keeps
// and `down --volumes` to remove. Only volumes run-anvil provably owns: the managed ones
// (labelled swarmforge.managed-by=run-anvil and swarmforge.tong.name=<name>, not a session's),
// and the anonymous volumes (the image's VOLUMEs) mounted in the sidecar's managed container.
// An interface volume (`kind = "volume"`) is a name the user chose and shares with the anvil:
// never included.
namespace run_anvil::launcher {

// Sorted, without duplicates. `container` is the sidecar's managed container, if any.
std::vector<std::string> sidecar_data_volumes(EngineReader& docker, const std::string& name,
                                              const std::optional<ContainerInfo>& container);

// Removes each; returns one problem per volume that could not be removed (e.g. still in use).
std::vector<std::string> remove_data_volumes(Engine& docker,
                                             const std::vector<std::string>& volumes);

}  // namespace run_anvil::launcher
