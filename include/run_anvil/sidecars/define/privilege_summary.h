#pragma once

#include <string>

#include "run_anvil/sidecars/define/definition.h"

// Transitional namespace: moved from launcher/ and keeps its namespace for now.
namespace run_anvil::launcher {

// What a definition is allowed to do, as the user reads it before approving: one fact per line,
// covering everything the config hash covers (so an approval means what was shown). Untrusted
// strings are escaped so a definition cannot move the cursor or rewrite the prompt. `workspace`
// names the host directory a `workspace` mount exposes.
std::string privilege_summary(const sidecars::Definition& definition,
                              const std::string& workspace = "");

}  // namespace run_anvil::launcher
