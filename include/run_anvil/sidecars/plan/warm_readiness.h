#pragma once

#include <string>

#include "run_anvil/sidecars/define/definition.h"

// When a warm launch may trust an earlier launcher's readiness proof instead of probing again
// (issue 17). "Proven ready" means: some launcher saw this container pass its readiness probe
// during its current start (the container ID and State.StartedAt it had then are recorded).
// A restart of any kind (restart policy, `docker restart`, a daemon or host restart) changes
// StartedAt, so the proof no longer applies and the probe runs again.
namespace run_anvil::sidecars {

struct WarmFacts {
  bool running = false;
  std::string started_at;    // State.StartedAt now
  std::string health;        // State.Health.Status now ("" without a healthcheck)
  std::string proven_start;  // the StartedAt recorded with the proof ("" when none)
};

// True when the probe may be skipped: the mode costs more than a dial (exec, healthcheck, and
// any mode other than tcp/none), the container runs, has not restarted since it was proven
// ready, and its health (if any) is not "unhealthy" or "starting". TCP keeps its dial: it is
// the cheap liveness check and costs well under a millisecond.
bool may_skip_probe(ReadinessMode mode, const WarmFacts& facts);

}  // namespace run_anvil::sidecars
