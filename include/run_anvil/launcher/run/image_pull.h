#pragma once

#include <chrono>
#include <vector>

#include "run_anvil/launcher/docker/engine.h"
#include "run_anvil/launcher/os/progress.h"
#include "run_anvil/sidecars/define/definition.h"
#include "run_anvil/sidecars/plan/plan.h"

// Images a run needs but the daemon lacks are pulled before planning, like `docker run` does.
namespace run_anvil::launcher {

// A pull streams whole layers; a slow link needs minutes, a wedged one must still end.
constexpr std::chrono::milliseconds kImagePullTimeout{std::chrono::minutes(10)};

// Pulls every image of `definitions` that `observed` records as missing, all at once (one pull
// per distinct image), reporting each on `progress` under the sidecars that use it, then records
// the pulled images' IDs in `observed`. Throws Error naming the sidecars, the image and the
// daemon's message when a pull fails (every failure, after all pulls ended); DaemonUnavailable
// passes through.
void pull_missing_images(Engine& docker, const std::vector<sidecars::Definition>& definitions,
                         sidecars::ObservedState& observed, Progress& progress);

}  // namespace run_anvil::launcher
