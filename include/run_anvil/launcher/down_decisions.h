#pragma once

#include <optional>
#include <string>
#include <vector>

#include "run_anvil/launcher/inventory.h"
#include "run_anvil/sidecars/definition.h"

// `run-anvil down` as data (issue 4): for each shared sidecar asked for, whether it is removed or
// why not. Pure; command_down.cc carries the removals out.
namespace run_anvil::launcher {

enum class DownVerdict {
  Remove,           // managed, and no running anvil uses it
  RemoveInUse,      // in use, removed anyway (--force)
  RefuseInUse,      // in use, no --force
  RefuseUnmanaged,  // the name is held by a container run-anvil does not manage: never touched
  NotFound,         // nothing to remove
  NotShared,        // only session containers of that name: they go with their anvil
};

struct DownDecision {
  std::string name;       // sidecar name
  std::string container;  // container name
  DownVerdict verdict = DownVerdict::NotFound;
  std::optional<ContainerInfo> target;  // Remove, RemoveInUse, RefuseInUse
  std::vector<std::string> users;
};

// `requested` empty: every discovered shared sidecar, dependents before what they depend on.
// Names need not be discovered: a sidecar whose definition is gone can be taken down by name.
std::vector<DownDecision> decide_down(const std::vector<std::string>& requested,
                                      const std::vector<sidecars::Definition>& definitions,
                                      const Inventory& inventory, bool force);

// What happened or why not, for the user.
std::string describe(const DownDecision& decision);
bool refused(const DownDecision& decision);

}  // namespace run_anvil::launcher
