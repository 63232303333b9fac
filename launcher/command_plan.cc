#include <iostream>

#include "run_anvil/launcher/commands.h"
#include "run_anvil/launcher/definitions.h"
#include "run_anvil/launcher/harness.h"
#include "run_anvil/launcher/plan_output.h"
#include "run_anvil/launcher/prepare.h"
#include "run_anvil/launcher/progress.h"
#include "run_anvil/launcher/session.h"

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
  prepare_harness(options.harness, discovery.definitions, docker->daemon_is_local(),
                  /*write=*/false, plan_options);
  auto p = prepare(options, discovery, *docker, plan_options);
  auto progress = make_stderr_progress(options.verbosity);
  for (const auto& warning : p.warnings) progress->warn(warning);
  print_plan(std::cout, p.plan, options.json);
  return exit_codes::kSuccess;
}

}  // namespace run_anvil::launcher
