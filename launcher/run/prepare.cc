#include "run_anvil/launcher/run/prepare.h"

#include <algorithm>
#include <functional>

#include "run_anvil/launcher/docker/engine_api.h"
#include "run_anvil/launcher/os/process.h"
#include "run_anvil/launcher/resources/observe.h"
#include "run_anvil/launcher/run/image_pull.h"
#include "run_anvil/launcher/run/safe_recreation.h"
#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/plan/anvil_argv.h"

namespace run_anvil::launcher {

std::unique_ptr<Engine> connect_docker() {
  // A signal abandons whatever daemon call is in flight (see install_signal_handlers).
  return make_engine_api(make_environment_transport([] { throw_if_interrupted(); }));
}

namespace {

// Observes once; `pull` (run only) may fetch missing images into `observed` before planning.
Prepared observe_and_plan(const Options& options, const sidecars::Discovery& discovery,
                          EngineReader& docker, const sidecars::PlanOptions& plan_options,
                          const std::vector<ContainerInfo>* managed,
                          const std::function<void(const std::vector<sidecars::Definition>&,
                                                   sidecars::ObservedState&)>& pull) {
  Prepared p;
  p.definitions = discovery.definitions;
  auto anvil = sidecars::parse_anvil_argv(options.anvil_argv);
  if (!anvil.is_run) {
    // make_plan phrases this refusal; nothing is observed for a command it cannot run.
    p.plan = sidecars::make_plan(p.definitions, {}, anvil);
  }
  std::string network = sidecars::sidecar_network(anvil, p.definitions);
  auto observed = observe(docker, p.definitions, network, managed);
  if (pull) pull(p.definitions, observed);
  sidecars::PlanOptions with_recreate = plan_options;
  with_recreate.recreate = options.recreate;
  p.plan = sidecars::make_plan(p.definitions, observed, anvil, with_recreate);
  p.warnings = apply_safe_recreation(docker, observed, p.definitions, options.recreate, p.plan);
  if (auto note = sidecars::engine_warning(anvil, observed)) p.warnings.push_back(*note);
  return p;
}

}  // namespace

Prepared prepare_plan(const Options& options, const sidecars::Discovery& discovery,
                      EngineReader& docker, const sidecars::PlanOptions& plan_options,
                      const std::vector<ContainerInfo>* managed) {
  return observe_and_plan(options, discovery, docker, plan_options, managed, nullptr);
}

Prepared prepare_run(const Options& options, const sidecars::Discovery& discovery, Engine& docker,
                     const sidecars::PlanOptions& plan_options, Progress& pull_progress,
                     const std::vector<ContainerInfo>* managed) {
  return observe_and_plan(
      options, discovery, docker, plan_options, managed,
      [&](const std::vector<sidecars::Definition>& definitions, sidecars::ObservedState& observed) {
        pull_missing_images(docker, definitions, observed, pull_progress);
      });
}

void use_daemon(const Engine& docker, const std::vector<sidecars::Definition>& definitions,
                sidecars::PlanOptions& options) {
  constexpr std::string_view kUnix = "unix://";
  options.daemon_endpoint = docker.endpoint();
  options.docker_socket.clear();
  if (options.daemon_endpoint.starts_with(kUnix)) {
    options.docker_socket = options.daemon_endpoint.substr(kUnix.size());
  }
  for (const auto& d : definitions) {
    for (const auto& m : d.mounts) {
      if (m.kind == sidecars::Mount::Kind::DockerSocket) {
        (void)sidecars::docker_socket_source(d, options);  // throws when impossible
      }
    }
  }
}

void ensure_network(Engine& docker, const sidecars::Plan& plan) {
  if (!plan.create_network) return;
  docker.ensure_network(plan.network, {{sidecars::kLabelManagedBy, sidecars::kManagedByValue}});
}

}  // namespace run_anvil::launcher
