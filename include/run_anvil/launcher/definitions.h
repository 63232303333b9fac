#pragma once

#include <vector>

#include "run_anvil/launcher/cli.h"
#include "run_anvil/sidecars/definition.h"
#include "run_anvil/sidecars/layers.h"

// Discovery + validation as every subcommand needs it: throws ConfigError listing every problem.
namespace run_anvil::launcher {

sidecars::Discovery discover_definitions(const Options& options);

// Throws ConfigError when discovery or the cross-file rules found problems.
void require_valid(const sidecars::Discovery& discovery);

// Refuses, before any daemon call, what this version cannot run (today: only a shared sidecar
// mounting the workspace, which parse already rejects).
void refuse_unsupported(const std::vector<sidecars::Definition>& definitions);

}  // namespace run_anvil::launcher
