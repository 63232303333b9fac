#pragma once

#include <functional>
#include <vector>

#include "run_anvil/launcher/docker/engine.h"
#include "run_anvil/launcher/os/clock.h"
#include "run_anvil/launcher/os/progress.h"
#include "run_anvil/launcher/os/tcp_dial.h"
#include "run_anvil/launcher/probe/ready_records.h"
#include "run_anvil/sidecars/define/definition.h"
#include "run_anvil/sidecars/plan/plan.h"

// Carries out a plan's sidecar steps through the Docker seam: independent sidecars concurrently
// (bounded), each sidecar only after everything it depends on is ready.
namespace run_anvil::launcher {

struct ExecutorDeps {
  Engine& docker;
  Clock& clock;
  TcpDialer& dialer;
  Progress& progress;
  // Throws (e.g. Interrupted) when the user asked to stop; polled in every wait.
  std::function<void()> check_interrupted;
  int max_parallel = 8;
  // --anvil-image, for TCP probes from inside the network when the host cannot dial it.
  std::string probe_image = {};
  // Optional: adjusts a sidecar's container spec before it is created (the secrets wrapper).
  std::function<void(const sidecars::SidecarStep&, ContainerSpec&)> adjust_spec = {};
  // Optional: runs after each container this run starts, and for each reused one, before its
  // readiness wait (the secrets delivery); `created_here` says this run created and started it.
  // When it (or the start) throws, a container this run created is removed again.
  std::function<void(const sidecars::SidecarStep&, const std::string& id, bool created_here)>
      after_start = {};
  // Optional: readiness proofs kept between launches. A reused sidecar proven ready since its
  // current start is not probed again with an exec, HTTP, log or healthcheck probe (one inspect
  // instead); every sidecar that passes its probe is recorded. nullptr: always probe.
  ReadyRecords* ready_records = nullptr;
};

// Brings every sidecar of `plan` up and ready. On the first failure nothing new starts, work
// already running finishes, and one Error listing every failure is thrown once all workers
// stopped.
// An interruption is rethrown as is. `definitions` must contain every step's name.
// Session steps are always created fresh (a name conflict is an error, never adopted); shared
// steps with a session_network join it under their aliases before they count as ready.
void execute_plan(ExecutorDeps& deps, const sidecars::Plan& plan,
                  const std::vector<sidecars::Definition>& definitions);

}  // namespace run_anvil::launcher
