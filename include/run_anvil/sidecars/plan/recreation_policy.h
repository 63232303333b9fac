#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "run_anvil/sidecars/define/ownership.h"
#include "run_anvil/sidecars/plan/plan.h"

// Safe recreation (issue 4): a stale shared sidecar that a running anvil uses is not pulled out
// from under it, and two projects defining the same sidecar name differently are told so instead
// of silently replacing each other's container. A pure step applied to a plan after make_plan
// and --recreate; the launcher looks users up only for the containers this names.
namespace run_anvil::sidecars {

// Anvil container names using each sidecar container, by sidecar container name.
using SidecarUsers = std::map<std::string, std::vector<std::string>>;

struct RecreationInputs {
  const ObservedState& observed;
  const SidecarUsers& users;
  std::set<std::string> forced;                // --recreate NAME
  std::map<std::string, std::string> origins;  // sidecar name -> this launcher's definition file
  // Who made each observed container of a step (ownership.h), by container name; absent: Ours.
  std::map<std::string, Origin> container_origins = {};
  // Names of workspace-layer (untrusted) definitions: they never touch a container made from
  // another project's definition (SPEC §14).
  std::set<std::string> untrusted = {};
};

// Containers whose users matter: steps that would recreate a running container. Empty on the
// warm path (everything reused or created), so no extra daemon call is made there.
std::vector<std::string> containers_needing_users(const Plan& plan, const ObservedState& observed);

// Turns "recreate a stale container that is in use" into "reuse it" (unless forced), and returns
// one warning per decision the user should know about: kept stale, forced in use, or a
// definition from another project being replaced.
// Throws Error when an untrusted (workspace-layer) step would reuse or replace a container whose
// origin is not provably this project's definition or gone.
std::vector<std::string> apply_recreation_policy(Plan& plan, const RecreationInputs& in);

// "a", "a and b", "a, b and c".
std::string join_names(const std::vector<std::string>& names);

}  // namespace run_anvil::sidecars
