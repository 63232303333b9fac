#pragma once

#include <memory>
#include <vector>

#include "run_anvil/launcher/cli/cli.h"
#include "run_anvil/launcher/docker/docker_cli.h"
#include "run_anvil/launcher/os/progress.h"
#include "run_anvil/sidecars/define/definition.h"
#include "run_anvil/sidecars/define/layers.h"
#include "run_anvil/sidecars/plan/plan.h"

// What `run` and `plan` share: connecting to the daemon, observing, planning.
namespace run_anvil::launcher {

// The real daemon client for the resolved endpoint (DOCKER_HOST, docker context, default).
std::unique_ptr<DockerCLI> connect_docker();

struct Prepared {
  std::vector<sidecars::Definition> definitions;
  sidecars::Plan plan;
  // Decisions the user should hear about (a stale sidecar kept because it is in use, ...).
  std::vector<std::string> warnings;
};

// Observes the daemon once and plans; applies --recreate and safe recreation (a stale sidecar a
// running anvil uses is kept). Throws Error when impossible.
// `plan_options` carries what the launcher decides outside the plan (session id and name,
// workspace, harness injection; see session.h and harness.h).
// With `pull_progress` (run), images not present locally are pulled first, reported there (see
// image_pull.h); without it (plan, which changes nothing) the plan's steps say they will be.
// `managed`: the managed-container listing if the caller already took it (see observe).
Prepared prepare(const Options& options, const sidecars::Discovery& discovery, DockerCLI& docker,
                 const sidecars::PlanOptions& plan_options = {}, Progress* pull_progress = nullptr,
                 const std::vector<ContainerInfo>* managed = nullptr);

// Records the daemon in use in `options` (its unix socket is what `docker-socket` mounts bind) and
// refuses, before any daemon call, a `docker-socket` mount when that daemon is not reached
// through a unix socket (SPEC §14).
void use_daemon(const DockerCLI& docker, const std::vector<sidecars::Definition>& definitions,
                sidecars::PlanOptions& options);

// Creates the managed default network when the plan needs it.
void ensure_network(DockerCLI& docker, const sidecars::Plan& plan);

}  // namespace run_anvil::launcher
