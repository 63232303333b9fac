#pragma once

#include <optional>
#include <string>
#include <vector>

#include "run_anvil/sidecars/plan/plan.h"

// The data part of make_plan (SPEC §11): which volumes a sidecar's container gets, which of the
// old container's anonymous volumes go over to a replacement, and what a replacement keeps and
// discards. Private to sidecars/.
namespace run_anvil::sidecars::detail {

// Docker volume names of the session sidecars' `volumes` NAME entries, to be created with the
// session and removed with it.
std::vector<std::string> session_data_volumes(const std::vector<Definition>& definitions,
                                              const std::string& anvil_name);

// Fills step.volumes, step.volume_labels and step.data_note. `session` is set for a session
// sidecar's step (its volumes are named after the anvil).
void place_volumes(SidecarStep& step, const Definition& definition,
                   const std::optional<SessionPlan>& session, const ObservedState& observed);

}  // namespace run_anvil::sidecars::detail
