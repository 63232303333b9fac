#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "run_anvil/launcher/cli/commands.h"
#include "run_anvil/launcher/cli/definitions.h"
#include "run_anvil/launcher/cli/operate.h"
#include "run_anvil/launcher/operate/inventory.h"
#include "run_anvil/launcher/operate/status_probe.h"
#include "run_anvil/launcher/run/prepare.h"
#include "run_anvil/sidecars/operate/status_model.h"

namespace run_anvil::launcher {

void note_definition_problems(OperateDeps& deps, const sidecars::Discovery& discovery) {
  if (discovery.diagnostics.empty() || deps.verbosity == Verbosity::Quiet) return;
  std::size_t n = discovery.diagnostics.size();
  deps.err << "run-anvil: warning: " << n << " problem" << (n == 1 ? "" : "s")
           << " in sidecar definitions (first: " << discovery.diagnostics.front().str()
           << "); those sidecars are left out. `run-anvil validate` lists them all\n";
}

std::function<void(const std::string&)> warner(OperateDeps& deps) {
  return [&deps](const std::string& message) {
    if (deps.verbosity != Verbosity::Quiet) deps.err << "run-anvil: warning: " << message << "\n";
  };
}

int show_status(OperateDeps& deps, const sidecars::Discovery& discovery, StatusFormat format,
                const StatusScope& scope) {
  return show_status(deps, split_by_approval(discovery, {}), format, scope);
}

int show_status(OperateDeps& deps, const GatedDiscovery& gated, StatusFormat format,
                const StatusScope& scope) {
  note_definition_problems(deps, gated.usable);
  Inventory inventory = take_inventory(deps.docker, gated.usable.definitions);
  // Only usable definitions probe; every discovered one is listed.
  ReadyResults ready =
      probe_readiness(deps.docker, deps.clock, deps.dialer, gated.usable.definitions, inventory);
  auto report = build_status(gated.all, inventory, ready, deps.now);
  for (auto& row : report.sidecars)
    row.needs_approval = row.discovered && gated.needs_approval(row.name);
  if (scope.project_dirs) report = scope_to_project(std::move(report), *scope.project_dirs);
  print_status(deps.out, report, format);
  return exit_codes::kSuccess;
}

namespace {

// The project is its layer directories, as absolute paths like the definition labels hold.
std::vector<std::string> project_dirs(const sidecars::LayerDirs& dirs) {
  std::vector<std::string> out;
  for (const auto* dir : {&dirs.user, &dirs.org, &dirs.repo, &dirs.workspace}) {
    if (!*dir || (*dir)->empty()) continue;
    std::error_code ec;
    auto abs = std::filesystem::absolute(**dir, ec);
    out.push_back(ec ? **dir : abs.lexically_normal().string());
  }
  return out;
}

}  // namespace

int command_status(const Options& options) {
  auto discovery = discover_definitions(options);
  auto docker = connect_docker();
  auto clock = make_system_clock();
  auto dialer = make_tcp_dialer();
  OperateDeps deps{*docker, *clock, *dialer, std::cout, std::cerr, options.verbosity};
  StatusFormat format = options.json                   ? StatusFormat::Json
                        : ::isatty(STDOUT_FILENO) != 0 ? StatusFormat::Table
                                                       : StatusFormat::Plain;
  StatusScope scope;
  if (!options.all) scope.project_dirs = project_dirs(options.dirs);
  return show_status(deps, gate(options, std::move(discovery), warner(deps)), format, scope);
}

}  // namespace run_anvil::launcher
