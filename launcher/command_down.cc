#include <iostream>

#include "run_anvil/launcher/commands.h"
#include "run_anvil/launcher/definitions.h"
#include "run_anvil/launcher/down_decisions.h"
#include "run_anvil/launcher/inventory.h"
#include "run_anvil/launcher/operate.h"
#include "run_anvil/launcher/prepare.h"
#include "run_anvil/launcher/sidecar_removal.h"

namespace run_anvil::launcher {
namespace {

bool removes(const DownDecision& d) {
  return d.verdict == DownVerdict::Remove || d.verdict == DownVerdict::RemoveInUse;
}

}  // namespace

int take_down(OperateDeps& deps, const sidecars::Discovery& discovery,
              const std::vector<std::string>& names, bool force) {
  if (names.empty()) {
    // "All discovered" must mean exactly that: a definition that failed to parse is not silently
    // left out.
    require_valid(discovery);
  } else {
    note_definition_problems(deps, discovery);
  }
  Inventory inventory = take_inventory(deps.docker, discovery.definitions);
  auto decisions = decide_down(names, discovery.definitions, inventory, force);
  if (decisions.empty() && deps.verbosity != Verbosity::Quiet) {
    deps.err << "run-anvil: no shared sidecar is declared here; name the ones to remove "
                "(`run-anvil down NAME`), `run-anvil status` lists them\n";
  }
  int rc = exit_codes::kSuccess;
  for (const auto& d : decisions) {
    if (removes(d)) {
      try {
        remove_sidecar(deps.docker, *d.target);
      } catch (const Error& e) {
        deps.err << "run-anvil: " << d.name << ": not removed: " << e.what() << "\n";
        rc = exit_codes::kLauncherFailure;
        continue;
      }
    }
    if (refused(d)) rc = exit_codes::kLauncherFailure;
    if (refused(d) || deps.verbosity != Verbosity::Quiet) {
      deps.err << "run-anvil: " << describe(d) << "\n";
    }
  }
  return rc;
}

int command_down(const Options& options) {
  auto discovery = discover_definitions(options);
  auto docker = connect_docker();
  auto clock = make_system_clock();
  auto dialer = make_tcp_dialer();
  OperateDeps deps{*docker, *clock, *dialer, std::cout, std::cerr, options.verbosity};
  return take_down(deps, discovery, options.names, options.force);
}

}  // namespace run_anvil::launcher
