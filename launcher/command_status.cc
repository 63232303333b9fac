#include <unistd.h>

#include <iostream>

#include "run_anvil/launcher/commands.h"
#include "run_anvil/launcher/definitions.h"
#include "run_anvil/launcher/inventory.h"
#include "run_anvil/launcher/operate.h"
#include "run_anvil/launcher/prepare.h"
#include "run_anvil/launcher/status_model.h"
#include "run_anvil/launcher/status_probe.h"

namespace run_anvil::launcher {

void note_definition_problems(OperateDeps& deps, const sidecars::Discovery& discovery) {
  if (discovery.diagnostics.empty() || deps.verbosity == Verbosity::Quiet) return;
  std::size_t n = discovery.diagnostics.size();
  deps.err << "run-anvil: warning: " << n << " problem" << (n == 1 ? "" : "s")
           << " in sidecar definitions (first: " << discovery.diagnostics.front().str()
           << "); those sidecars are left out. `run-anvil validate` lists them all\n";
}

int show_status(OperateDeps& deps, const sidecars::Discovery& discovery, StatusFormat format) {
  note_definition_problems(deps, discovery);
  Inventory inventory = take_inventory(deps.docker, discovery.definitions);
  ReadyResults ready =
      probe_readiness(deps.docker, deps.clock, deps.dialer, discovery.definitions, inventory);
  print_status(deps.out, build_status(discovery.definitions, inventory, ready, deps.now), format);
  return exit_codes::kSuccess;
}

int command_status(const Options& options) {
  auto discovery = discover_definitions(options);
  auto docker = connect_docker();
  auto clock = make_system_clock();
  auto dialer = make_tcp_dialer();
  OperateDeps deps{*docker, *clock, *dialer, std::cout, std::cerr, options.verbosity};
  StatusFormat format = options.json                   ? StatusFormat::Json
                        : ::isatty(STDOUT_FILENO) != 0 ? StatusFormat::Table
                                                       : StatusFormat::Plain;
  return show_status(deps, discovery, format);
}

}  // namespace run_anvil::launcher
