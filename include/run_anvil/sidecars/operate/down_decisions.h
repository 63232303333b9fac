#pragma once

#include <optional>
#include <string>
#include <vector>

#include "run_anvil/sidecars/define/definition.h"
#include "run_anvil/sidecars/operate/inventory.h"

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
  // Made from a definition that is not this project's and not provably gone (another project's,
  // or one that cannot be checked from here): never removed unless named with --force.
  RefuseNotOurs,
};

struct DownDecision {
  std::string name;       // sidecar name
  std::string container;  // container name
  DownVerdict verdict = DownVerdict::NotFound;
  std::optional<ContainerInfo> target;  // Remove, RemoveInUse, RefuseInUse
  std::vector<std::string> users;
  sidecars::Origin origin = sidecars::Origin::Unknown;  // of `target`
  std::string theirs{};  // the definition file `target` was made from ("" when unlabelled)
  bool named = false;    // the user named it (else: every discovered shared sidecar)
};

// `requested` empty: every usable shared sidecar (`definitions`: trust_gate.h), dependents
// before what they depend on. Names need not be discovered: a sidecar whose definition is gone
// can be taken down by name. A container is removed only when its origin is this project's
// definition of the name or provably gone (SPEC §14); `known` (every discovered definition,
// approved or not) tells which files are this project's. With `force` and a name, the user's
// word overrides both the in-use and the ownership refusal.
std::vector<DownDecision> decide_down(const std::vector<std::string>& requested,
                                      const std::vector<sidecars::Definition>& definitions,
                                      const Inventory& inventory, bool force,
                                      const std::vector<sidecars::Definition>& known = {});

// Why `down NAMES` must not go ahead at all (nothing is touched then): a name that is neither
// declared here nor held by a managed container (with "did you mean"), or a named sidecar that a
// declared sidecar not being taken down depends on while that one has a container (unless
// `force`). Empty: go ahead.
std::vector<std::string> down_preflight(const std::vector<std::string>& requested,
                                        const std::vector<sidecars::Definition>& definitions,
                                        const Inventory& inventory, bool force);

// The sidecar names a user may mean here: declared ones and those of managed containers.
std::vector<std::string> known_sidecar_names(const std::vector<sidecars::Definition>& definitions,
                                             const Inventory& inventory);

// What happened or why not, for the user.
std::string describe(const DownDecision& decision);
bool refused(const DownDecision& decision);

}  // namespace run_anvil::launcher
