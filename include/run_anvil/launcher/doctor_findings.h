#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "run_anvil/launcher/inventory.h"
#include "run_anvil/sidecars/layers.h"

// `run-anvil doctor` as data (issue 4): what is wrong with the managed containers and networks on
// this daemon, how to fix each problem by hand, and what `--fix` may safely do about it. A pure
// function of the discovery and the inventory; command_doctor.cc carries fixes out.
namespace run_anvil::launcher {

enum class FixAction {
  None,                  // needs a human decision (or is never ours to touch)
  RemoveContainers,      // disconnect, stop and remove `containers`
  RemoveSession,         // the same, then remove `networks`
  CreateDefaultNetwork,  // create swarmforge-net
};

struct Finding {
  std::string kind;     // "orphan" | "orphan-session" | "stale" | "name-conflict" | "squatter" |
                        // "missing-network" | "missing-default-network" | "definitions"
  std::string subject;  // the container, network or sidecar it is about
  std::string what;     // what is wrong, one or two sentences
  std::string how;      // how to fix it by hand
  FixAction fix = FixAction::None;
  std::vector<ContainerInfo> containers;  // RemoveContainers, RemoveSession
  std::vector<std::string> networks;      // RemoveSession
};

// A session whose containers started less than this long ago may still be launching (its anvil
// does not exist yet while its sidecars become ready): it is not called an orphan.
inline constexpr std::chrono::minutes kSessionStartGrace{10};

std::vector<Finding> diagnose(const sidecars::Discovery& discovery, const Inventory& inventory,
                              std::chrono::system_clock::time_point now);

// The session part of diagnose (doctor_sessions.cc): session containers and networks (labelled
// swarmforge.session) whose anvil is gone. A session is alive while its anvil exists (not
// exited): the container named by the session label, or the <anvil> of a session container named
// <anvil>-tong-<token> (SPEC §10), or any running container run-anvil does not manage attached
// to one of the session's networks.
void diagnose_sessions(const Inventory& inventory, std::chrono::system_clock::time_point now,
                       std::vector<Finding>& out);

}  // namespace run_anvil::launcher
