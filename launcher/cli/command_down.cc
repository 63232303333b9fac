#include <iostream>

#include "run_anvil/launcher/cli/commands.h"
#include "run_anvil/launcher/cli/definitions.h"
#include "run_anvil/launcher/cli/operate.h"
#include "run_anvil/launcher/operate/inventory.h"
#include "run_anvil/launcher/resources/sidecar_removal.h"
#include "run_anvil/launcher/resources/sidecar_volumes.h"
#include "run_anvil/launcher/run/prepare.h"
#include "run_anvil/sidecars/operate/down_decisions.h"

namespace run_anvil::launcher {
namespace {

bool removes(const DownDecision& d) {
  return d.verdict == DownVerdict::Remove || d.verdict == DownVerdict::RemoveInUse;
}

std::string listed(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// After the container is gone (or was not there): `down` names the data it keeps, `down
// --volumes` removes it (SPEC §11). Returns false when a volume could not be removed.
bool handle_volumes(OperateDeps& deps, const DownDecision& d, bool remove_volumes) {
  if (d.verdict != DownVerdict::Remove && d.verdict != DownVerdict::RemoveInUse &&
      d.verdict != DownVerdict::NotFound) {
    return true;
  }
  auto volumes = sidecar_data_volumes(deps.docker, d.name, d.target);
  if (volumes.empty()) return true;
  // With no container to prove whose they are, a shared sidecar's volumes may hold another
  // project's data (SPEC §14): only a name the user typed removes them.
  if (remove_volumes && d.verdict == DownVerdict::NotFound && !d.named) {
    deps.err << "run-anvil: " << d.name << ": kept its data in " << listed(volumes)
             << ": no container of it proves whose data that is (`run-anvil down --volumes "
             << d.name << "` removes it)\n";
    return true;
  }
  if (!remove_volumes) {
    if (deps.verbosity != Verbosity::Quiet) {
      deps.err << "run-anvil: " << d.name << ": kept its data in " << listed(volumes)
               << " (`run-anvil down --volumes " << d.name << "` removes it)\n";
    }
    return true;
  }
  auto problems = remove_data_volumes(deps.docker, volumes);
  for (const auto& p : problems) {
    deps.err << "run-anvil: " << d.name << ": not removed: " << p << "\n";
  }
  if (problems.empty() && deps.verbosity != Verbosity::Quiet) {
    deps.err << "run-anvil: " << d.name << ": removed its data volumes " << listed(volumes) << "\n";
  }
  return problems.empty();
}

}  // namespace

int take_down(OperateDeps& deps, const sidecars::Discovery& discovery,
              const std::vector<std::string>& names, bool force, bool remove_volumes) {
  return take_down(deps, split_by_approval(discovery, {}), names, force, remove_volumes);
}

int take_down(OperateDeps& deps, const GatedDiscovery& gated, const std::vector<std::string>& names,
              bool force, bool remove_volumes) {
  const sidecars::Discovery& discovery = gated.usable;
  if (names.empty()) {
    // "All discovered" must mean exactly that: a definition that failed to parse is not silently
    // left out.
    require_valid(discovery);
  } else {
    note_definition_problems(deps, discovery);
  }
  if (names.empty() && deps.verbosity != Verbosity::Quiet) {
    for (const auto& d : gated.unapproved) {
      deps.err << "run-anvil: " << d.name << ": left alone: workspace sidecar " << d.file
               << " needs approval, and an unapproved definition never removes anything\n";
    }
  }
  Inventory inventory = take_inventory(deps.docker, discovery.definitions);
  // A typo or a dependent still running stops everything before anything is removed.
  if (auto problems = down_preflight(names, discovery.definitions, inventory, force);
      !problems.empty()) {
    for (const auto& p : problems) deps.err << "run-anvil: error: " << p << "\n";
    deps.err << "run-anvil: nothing was removed\n";
    return exit_codes::kLauncherFailure;
  }
  auto decisions = decide_down(names, discovery.definitions, inventory, force, gated.all);
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
    if (!handle_volumes(deps, d, remove_volumes)) rc = exit_codes::kLauncherFailure;
  }
  return rc;
}

int command_down(const Options& options) {
  auto discovery = discover_definitions(options);
  auto docker = connect_docker();
  auto clock = make_system_clock();
  auto dialer = make_tcp_dialer();
  OperateDeps deps{*docker, *clock, *dialer, std::cout, std::cerr, options.verbosity};
  return take_down(deps, gate(options, std::move(discovery), warner(deps)), options.names,
                   options.force, options.volumes);
}

}  // namespace run_anvil::launcher
