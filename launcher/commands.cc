#include "run_anvil/launcher/commands.h"

#include <iostream>

#include "run_anvil/launcher/approvals.h"
#include "run_anvil/launcher/clock.h"
#include "run_anvil/launcher/definitions.h"
#include "run_anvil/launcher/engine_api.h"
#include "run_anvil/launcher/executor.h"
#include "run_anvil/launcher/observe.h"
#include "run_anvil/launcher/plan_output.h"
#include "run_anvil/launcher/process.h"
#include "run_anvil/launcher/tcp_dial.h"
#include "run_anvil/launcher/terminal.h"
#include "run_anvil/sidecars/anvil_argv.h"
#include "run_anvil/sidecars/naming.h"
#include "run_anvil/sidecars/plan.h"

namespace run_anvil::launcher {
namespace {

std::unique_ptr<DockerCLI> connect_docker() {
  return make_engine_api(make_curl_transport(resolve_docker_endpoint()));
}

// Everything a run and a plan share: the validated definitions, the observed state, the plan.
struct Prepared {
  std::vector<sidecars::Definition> definitions;
  sidecars::Plan plan;
};

Prepared prepare(const Options& options, const sidecars::Discovery& discovery, DockerCLI& docker) {
  Prepared p;
  p.definitions = discovery.definitions;
  auto anvil = sidecars::parse_anvil_argv(options.anvil_argv);
  if (!anvil.is_run) {
    // make_plan phrases this error; the network choice needs a run command to inspect.
    p.plan = sidecars::make_plan(p.definitions, {}, anvil);
  }
  std::string network = sidecars::sidecar_network(anvil, p.definitions);
  auto observed = observe(docker, p.definitions, network);
  p.plan = sidecars::make_plan(p.definitions, observed, anvil);
  for (const auto& name : options.recreate) {
    auto it = std::find_if(p.plan.steps.begin(), p.plan.steps.end(),
                           [&](const sidecars::SidecarStep& s) { return s.name == name; });
    if (it == p.plan.steps.end()) throw UsageError("--recreate " + name + ": no such sidecar");
    if (it->action == sidecars::Action::Reuse) {
      it->action = sidecars::Action::Recreate;
      it->reason = "--recreate";
      it->connect = false;
      it->observed_ip.clear();
    }
  }
  return p;
}

void ensure_network(DockerCLI& docker, const sidecars::Plan& plan) {
  if (!plan.create_network) return;
  docker.ensure_network(plan.network, {{sidecars::kLabelManagedBy, sidecars::kManagedByValue}});
}

}  // namespace

int command_run(const Options& options) {
  auto discovery = discover_definitions(options);
  if (discovery.definitions.empty() && discovery.diagnostics.empty()) {
    // Passthrough (SPEC §3): nothing declared, so become the anvil command untouched.
    exec_replace(options.anvil_argv);
    return exit_codes::kCannotExecute;
  }
  require_valid(discovery);
  refuse_unsupported(discovery.definitions);
  auto progress = make_stderr_progress(options.verbosity);
  auto terminal = make_tty_terminal();
  require_approval(discovery.definitions,
                   {options.workspace, options.approvals, options.no_prompt}, *terminal,
                   [&](const std::string& m) { progress->warn(m); });
  install_signal_handlers();
  auto docker = connect_docker();
  auto p = prepare(options, discovery, *docker);
  throw_if_interrupted();
  ensure_network(*docker, p.plan);
  auto clock = make_system_clock();
  auto dialer = make_tcp_dialer();
  ExecutorDeps deps{*docker, *clock, *dialer, *progress, [] { throw_if_interrupted(); }};
  execute_plan(deps, p.plan, p.definitions);
  progress->finish();
  return run_foreground(p.plan.anvil_argv);
}

int command_plan(const Options& options) {
  auto discovery = discover_definitions(options);
  require_valid(discovery);
  if (discovery.definitions.empty()) {
    print_passthrough_plan(std::cout, options.anvil_argv, options.json);
    return exit_codes::kSuccess;
  }
  refuse_unsupported(discovery.definitions);
  auto docker = connect_docker();
  auto p = prepare(options, discovery, *docker);
  print_plan(std::cout, p.plan, options.json);
  return exit_codes::kSuccess;
}

int command_validate(const Options& options) {
  auto discovery = discover_definitions(options);
  require_valid(discovery);
  if (options.verbosity != Verbosity::Quiet) {
    std::cerr << "run-anvil: " << discovery.definitions.size() << " sidecar definition"
              << (discovery.definitions.size() == 1 ? "" : "s") << " valid";
    for (const auto& d : discovery.definitions) {
      std::cerr << (&d == &discovery.definitions.front() ? ": " : ", ") << d.name << " ("
                << sidecars::to_string(d.layer) << ")";
    }
    std::cerr << "\n";
  }
  return exit_codes::kSuccess;
}

int run_command(const Options& options) {
  switch (options.command) {
    case Command::Run: return command_run(options);
    case Command::Plan: return command_plan(options);
    case Command::Validate: return command_validate(options);
    case Command::Status:
    case Command::Doctor:
    case Command::Down:
      throw Error("this subcommand is not implemented in this version of run-anvil yet");
  }
  return exit_codes::kLauncherFailure;
}

}  // namespace run_anvil::launcher
