#pragma once

#include <memory>
#include <vector>

#include "run_anvil/launcher/cli.h"
#include "run_anvil/launcher/docker_cli.h"
#include "run_anvil/launcher/progress.h"
#include "run_anvil/sidecars/definition.h"
#include "run_anvil/sidecars/layers.h"
#include "run_anvil/sidecars/plan.h"

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
Prepared prepare(const Options& options, const sidecars::Discovery& discovery, DockerCLI& docker,
                 const sidecars::PlanOptions& plan_options = {},
                 Progress* pull_progress = nullptr);

// Creates the managed default network when the plan needs it.
void ensure_network(DockerCLI& docker, const sidecars::Plan& plan);

}  // namespace run_anvil::launcher
