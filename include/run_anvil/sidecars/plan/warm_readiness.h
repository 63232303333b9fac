#pragma once

#include <string>

#include "run_anvil/sidecars/plan/plan.h"

// When a warm launch may trust an earlier launcher's readiness proof instead of probing again
// (issue 17). "Proven ready" means: some launcher saw this container pass this readiness probe
// during its current start (the proof records the container's State.StartedAt then and a digest
// of the probe). A restart of any kind (restart policy, `docker restart`, a daemon or host
// restart) changes StartedAt, and an edited [readiness] table (which keeps the container)
// changes the digest: either way the proof no longer applies and the probe runs again.
namespace run_anvil::sidecars {

struct WarmFacts {
  bool running = false;
  std::string started_at;  // State.StartedAt now
  std::string health;      // State.Health.Status now ("" without a healthcheck)
  std::string proven;      // the proof recorded for this container ("" when none)
};

// What a launcher records once `probe` passed during the start `started_at`: "<started_at>
// <16 hex of sha256 over the probe's definition>". Never a secret: a probe has none.
std::string proof_of(const std::string& started_at, const Probe& probe);

// True when the probe may be skipped: the mode costs more than a dial (exec, healthcheck, and
// any mode other than tcp/none), the container runs, the proof is of this probe during the
// current start, and its health (if any) is not "unhealthy" or "starting". TCP keeps its dial:
// it is the cheap liveness check and costs well under a millisecond.
bool may_skip_probe(const Probe& probe, const WarmFacts& facts);

}  // namespace run_anvil::sidecars
