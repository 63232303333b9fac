#pragma once

#include <string>
#include <vector>

#include "run_anvil/sidecars/define/layers.h"
#include "run_anvil/sidecars/operate/inventory.h"

// `run-anvil doctor` as data (issue 4): what is wrong with the managed containers and networks on
// this daemon, how to fix each problem by hand, and what `--fix` may safely do about it. A pure
// function of the discovery and the inventory; command_doctor.cc carries fixes out. `--fix` never
// removes a running container, nor any volume (SPEC §11).
namespace run_anvil::launcher {

enum class FixAction {
  None,                  // needs a human decision (or is never ours to touch)
  RemoveContainers,      // disconnect, stop and remove `containers`
  RemoveSession,         // session.h remove_session for each of `sessions`
  CreateDefaultNetwork,  // create swarmforge-net
  StartOrReplace,        // start each of `containers` (stuck in `created`); one that cannot start
                         // is removed, its volumes kept, for the next launch to recreate
};

struct Finding {
  std::string kind;     // "orphan" | "orphan-session" | "orphan-probe" | "stale" |
                        // "name-conflict" | "squatter" | "missing-network" |
                        // "missing-default-network" | "definitions" | "stuck-created" |
                        // "needs-approval"
  std::string subject;  // the container, network or sidecar it is about
  std::string what;     // what is wrong, one or two sentences
  std::string how;      // how to fix it by hand
  FixAction fix = FixAction::None;
  std::vector<ContainerInfo> containers;   // RemoveContainers, RemoveSession
  std::vector<SessionResources> sessions;  // RemoveSession
};

// `discovery.definitions`: the usable definitions (trust_gate.h); `unapproved`: workspace
// definitions awaiting approval, listed as "needs-approval" findings and never used to judge a
// container. A container is removable only when its origin is ours or provably gone
// (sidecars/ownership.h) and it is not running.
std::vector<Finding> diagnose(const sidecars::Discovery& discovery, const Inventory& inventory,
                              const std::vector<sidecars::Definition>& unapproved = {});

// The session part of diagnose (doctor_sessions.cc): one finding per stale session (its
// launcher was killed and its anvil is not running), which --fix removes.
void diagnose_sessions(const Inventory& inventory, std::vector<Finding>& out);

}  // namespace run_anvil::launcher
