#pragma once

#include <map>
#include <string>
#include <vector>

#include "run_anvil/sidecars/definition.h"

// Where a definition came from, as recorded in the swarmforge.tong.definition label: the
// absolute, normalized path of its file, so the same file gives the same origin from any
// working directory.
namespace run_anvil::launcher {

std::string definition_origin(const sidecars::Definition& definition);

// Sidecar name -> origin, for every definition.
std::map<std::string, std::string> definition_origins(
    const std::vector<sidecars::Definition>& definitions);

// True when the origin file still exists: the sidecar still has a definition somewhere (possibly
// in another project), so it is not an orphan.
bool origin_exists(const std::string& origin);

}  // namespace run_anvil::launcher
