#include <iostream>

#include "run_anvil/launcher/commands.h"
#include "run_anvil/launcher/definitions.h"
#include "run_anvil/launcher/plan_output.h"
#include "run_anvil/launcher/prepare.h"
#include "run_anvil/launcher/progress.h"

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
  auto p = prepare(options, discovery, *docker);
  auto progress = make_stderr_progress(options.verbosity);
  for (const auto& warning : p.warnings) progress->warn(warning);
  print_plan(std::cout, p.plan, options.json);
  return exit_codes::kSuccess;
}

}  // namespace run_anvil::launcher
