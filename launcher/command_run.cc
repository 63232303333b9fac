#include "run_anvil/launcher/approvals.h"
#include "run_anvil/launcher/clock.h"
#include "run_anvil/launcher/commands.h"
#include "run_anvil/launcher/definitions.h"
#include "run_anvil/launcher/executor.h"
#include "run_anvil/launcher/prepare.h"
#include "run_anvil/launcher/process.h"
#include "run_anvil/launcher/tcp_dial.h"
#include "run_anvil/launcher/terminal.h"

namespace run_anvil::launcher {

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
  for (const auto& warning : p.warnings) progress->warn(warning);
  throw_if_interrupted();
  ensure_network(*docker, p.plan);
  auto clock = make_system_clock();
  auto dialer = make_tcp_dialer();
  ExecutorDeps deps{*docker, *clock, *dialer, *progress, [] { throw_if_interrupted(); }};
  execute_plan(deps, p.plan, p.definitions);
  progress->finish();
  return run_foreground(p.plan.anvil_argv);
}

}  // namespace run_anvil::launcher
