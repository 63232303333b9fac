#pragma once

#include <vector>

#include "run_anvil/launcher/cli/cli.h"
#include "run_anvil/sidecars/define/definition.h"
#include "run_anvil/sidecars/define/layers.h"

// Discovery + validation as every subcommand needs it: throws ConfigError listing every problem.
namespace run_anvil::launcher {

// Reads every layer. Files that only look like definitions (`redis.tml`) are warned about on
// stderr here, once per run, unless --quiet (as JSON lines with --progress json).
sidecars::Discovery discover_definitions(const Options& options);

// Throws ConfigError when discovery or the cross-file rules found problems.
void require_valid(const sidecars::Discovery& discovery);

// Refuses, before any daemon call, what this version cannot run (today: only a shared sidecar
// mounting the workspace, which parse already rejects).
void refuse_unsupported(const std::vector<sidecars::Definition>& definitions);

}  // namespace run_anvil::launcher
