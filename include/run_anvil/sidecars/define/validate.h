#pragma once

#include <vector>

#include "run_anvil/errors.h"
#include "run_anvil/sidecars/define/definition.h"

// Rules across the whole discovered set (SPEC §4): alias collisions between sidecars (canonical
// alias and interface.aliases, case-insensitive, also against other sidecars' names), unknown
// depends_on names, dependency cycles (the message lists the cycle `a -> b -> a`), a shared
// sidecar depending on a session sidecar, two volume sidecars with the same mountpoint.
namespace run_anvil::sidecars {

std::vector<Diagnostic> validate_set(const std::vector<Definition>& definitions);

// Names in an order where every sidecar comes after its depends_on (ties broken by name).
// Precondition: validate_set found no cycle.
std::vector<std::string> dependency_order(const std::vector<Definition>& definitions);

}  // namespace run_anvil::sidecars
