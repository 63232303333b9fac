#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "run_anvil/launcher/os/options.h"
#include "run_anvil/launcher/os/session_lock.h"
#include "run_anvil/sidecars/plan/plan.h"

namespace run_anvil::launcher {

// What this run adds to the plan: a generated anvil name (used only when the argv has no --name),
// the workspace, and the session's id and owner labels.
sidecars::PlanOptions session_plan_options(const Options& options);

// Takes this run's session lock (os/session_lock.h) and names it in the launcher label of
// `options`, so no launcher in any PID namespace sweeps this session while the lock is held.
// Hold the result until the session is torn down. nullopt when no lock directory is usable
// (the label then keeps PID liveness).
std::optional<SessionLock> hold_session_lock(sidecars::PlanOptions& options);

}  // namespace run_anvil::launcher
