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

// Kinds whose issue has not landed yet are refused before any daemon call.
void refuse_unsupported(const std::vector<sidecars::Definition>& definitions);

}  // namespace run_anvil::launcher
