#include <iostream>

#include "run_anvil/launcher/cli/commands.h"
#include "run_anvil/launcher/cli/definitions.h"
#include "run_anvil/launcher/cli/plan_output.h"
#include "run_anvil/launcher/os/progress.h"
#include "run_anvil/launcher/resources/session.h"
#include "run_anvil/launcher/run/approvals.h"
#include "run_anvil/launcher/run/harness.h"
#include "run_anvil/launcher/run/prepare.h"
#include "run_anvil/launcher/run/session_options.h"

namespace run_anvil::launcher {

// Observes and plans exactly like a run, then prints instead of executing: no container,
// network or probe is created.
int command_plan(const Options& options) {
  auto discovery = discover_definitions(options);
  require_valid(discovery);
  if (discovery.definitions.empty()) {
    print_passthrough_plan(std::cout, options.anvil_argv, options.json);
    return exit_codes::kSuccess;
  }
  refuse_unsupported(discovery.definitions);
  auto docker = connect_docker();
  auto plan_options = session_plan_options(options);
  use_daemon(*docker, discovery.definitions, plan_options);
  prepare_harness(options.harness, discovery.definitions, docker->daemon_is_local(),
                  /*write=*/false, plan_options);
  EngineReader& reader = *docker;  // `plan` changes nothing: it holds only the read side
  auto p = prepare_plan(options, discovery, reader, plan_options);
  // Plan only reads, so it shows unapproved sidecars too, marked (trust_gate.h).
  auto unapproved = unapproved_names(discovery.definitions,
                                     {options.workspace, options.approvals, options.no_prompt},
                                     [](const std::string&) {});
  for (auto& step : p.plan.steps) step.needs_approval = unapproved.count(step.name) > 0;
  auto progress = make_progress(options.verbosity, options.progress);
  for (const auto& warning : p.warnings) progress->warn(warning);
  auto pending = pending_approvals(discovery.definitions,
                                   {options.workspace, options.approvals, options.no_prompt});
  print_plan(std::cout, p.plan, options.json, pending);
  return exit_codes::kSuccess;
}

}  // namespace run_anvil::launcher
