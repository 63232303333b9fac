#pragma once

#include <optional>
#include <string>
#include <vector>

#include "run_anvil/sidecars/plan/plan.h"

// The session part of make_plan (SPEC §10), kept apart so plan.cc stays about shared sidecars.
// Private to sidecars/.
namespace run_anvil::sidecars::detail {

// nullopt when no session sidecar is declared. Throws run_anvil::Error when the anvil has no
// usable name (none given and none generated, or not a valid container name).
std::optional<SessionPlan> plan_session(const std::vector<Definition>& definitions,
                                        const AnvilCommand& anvil, const PlanOptions& options);

// Fills a session sidecar's step: fresh container on the session network with the session's
// labels. Throws when a container of its name already exists (another run of that anvil name).
void decide_session_step(SidecarStep& step, const SessionPlan& session,
                         const ObservedState& observed);

// The step's volume and workspace mount sources.
void place_mounts(SidecarStep& step, const Definition& definition,
                  const std::optional<SessionPlan>& session, const PlanOptions& options);

// `-v <volume>:<mountpoint>` for every volume sidecar, in step order.
std::vector<std::string> anvil_volume_options(const std::vector<SidecarStep>& steps,
                                              const std::vector<Definition>& definitions);

}  // namespace run_anvil::sidecars::detail
