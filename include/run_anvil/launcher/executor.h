#pragma once

#include <functional>
#include <vector>

#include "run_anvil/launcher/clock.h"
#include "run_anvil/launcher/docker_cli.h"
#include "run_anvil/launcher/progress.h"
#include "run_anvil/launcher/tcp_dial.h"
#include "run_anvil/sidecars/definition.h"
#include "run_anvil/sidecars/plan.h"

// Carries out a plan's sidecar steps through the Docker seam: independent sidecars concurrently
// (bounded), each sidecar only after everything it depends on is ready.
namespace run_anvil::launcher {

struct ExecutorDeps {
  DockerCLI& docker;
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
  // Optional: runs between create and start of each container this run starts (the secrets
  // upload). When it throws, a container this run created is removed again.
  std::function<void(const sidecars::SidecarStep&, const std::string& id)> before_start = {};
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
