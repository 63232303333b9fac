#pragma once

#include <memory>
#include <vector>

#include "run_anvil/launcher/cli/cli.h"
#include "run_anvil/launcher/docker/engine.h"
#include "run_anvil/launcher/os/progress.h"
#include "run_anvil/sidecars/define/definition.h"
#include "run_anvil/sidecars/define/layers.h"
#include "run_anvil/sidecars/plan/plan.h"

// What `run` and `plan` share: connecting to the daemon, observing, planning.
namespace run_anvil::launcher {

// The real daemon client for the resolved endpoint (DOCKER_HOST, docker context, default).
std::unique_ptr<Engine> connect_docker();

struct Prepared {
  std::vector<sidecars::Definition> definitions;
  sidecars::Plan plan;
  // Decisions the user should hear about (a stale sidecar kept because it is in use, ...).
  std::vector<std::string> warnings;
};

// `plan`: observes the daemon once and plans; applies --recreate and safe recreation (a stale
// sidecar a running anvil uses is kept). Throws Error when impossible. It holds only the
// read-only side of the seam, so it cannot change anything; images not present locally are
// steps of the plan ("will pull").
// `plan_options` carries what the launcher decides outside the plan (session id and name,
// workspace, harness injection; see session.h and harness.h).
// `managed`: the managed-container listing if the caller already took it (see observe).
Prepared prepare_plan(const Options& options, const sidecars::Discovery& discovery,
                      EngineReader& docker, const sidecars::PlanOptions& plan_options = {},
                      const std::vector<ContainerInfo>* managed = nullptr);

// `run`: the same, after pulling the images not present locally, reported on `pull_progress`
// (image_pull.h).
Prepared prepare_run(const Options& options, const sidecars::Discovery& discovery, Engine& docker,
                     const sidecars::PlanOptions& plan_options, Progress& pull_progress,
                     const std::vector<ContainerInfo>* managed = nullptr);

// Records the daemon in use in `options` (its unix socket is what `docker-socket` mounts bind) and
// refuses, before any daemon call, a `docker-socket` mount when that daemon is not reached
// through a unix socket (SPEC §14).
void use_daemon(const Engine& docker, const std::vector<sidecars::Definition>& definitions,
                sidecars::PlanOptions& options);

// Creates the managed default network when the plan needs it.
void ensure_network(Engine& docker, const sidecars::Plan& plan);

}  // namespace run_anvil::launcher
