#include <cstdlib>

#include "run_anvil/launcher/cli/commands.h"
#include "run_anvil/launcher/cli/definitions.h"
#include "run_anvil/launcher/os/clock.h"
#include "run_anvil/launcher/os/env.h"
#include "run_anvil/launcher/os/process.h"
#include "run_anvil/launcher/os/tcp_dial.h"
#include "run_anvil/launcher/os/terminal.h"
#include "run_anvil/launcher/resources/observe.h"
#include "run_anvil/launcher/resources/session.h"
#include "run_anvil/launcher/run/anvil_network.h"
#include "run_anvil/launcher/run/approvals.h"
#include "run_anvil/launcher/run/executor.h"
#include "run_anvil/launcher/run/harness.h"
#include "run_anvil/launcher/run/prepare.h"
#include "run_anvil/launcher/run/secret_delivery.h"
#include "run_anvil/launcher/run/session_options.h"

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
  auto progress = make_progress(options.verbosity, options.progress);
  auto terminal = make_tty_terminal();
  require_approval(discovery.definitions, {options.workspace, options.approvals, options.no_prompt},
                   *terminal, [&](const std::string& m) { progress->warn(m); });
  install_signal_handlers();
  auto docker = connect_docker();
  auto teardown_docker = connect_docker_for_teardown();
  auto plan_options = session_plan_options(options);
  use_daemon(*docker, discovery.definitions, plan_options);
  // Held until the process exits (after teardown): this run's liveness for other launchers.
  auto session_lock = hold_session_lock(plan_options);
  // One listing of managed containers serves both the stale-session sweep and the plan.
  auto managed = list_managed(*docker);
  sweep_stale_sessions(*docker, *progress, managed);
  auto harness = prepare_harness(options.harness, discovery.definitions, docker->daemon_is_local(),
                                 /*write=*/true, plan_options);
  auto p = prepare_run(options, discovery, *docker, plan_options, *progress, &managed);
  for (const auto& warning : p.warnings) progress->warn(warning);
  throw_if_interrupted();
  // Every secret is resolved before anything is created: a failing provider changes nothing.
  SecretResolver resolver(
      {process_env, options.providers, std::chrono::seconds(60), [] { throw_if_interrupted(); }});
  const auto secrets = SecretDelivery::prepare(*docker, p.plan, p.definitions, resolver);
  ensure_network(*docker, p.plan);
  // Teardown and the anvil's network join report while (or after) the harness owns the terminal:
  // plain lines, never the in-place redraw that would move the cursor over the harness's output.
  auto plain = make_progress(options.verbosity, options.progress, /*inline_ok=*/false);
  // From here on every exit path (return, error, signal) tears the session down.
  SessionGuard session(*teardown_docker, p.plan, *plain);
  session.open();
  auto clock = make_system_clock();
  auto dialer = make_tcp_dialer();
  ExecutorDeps deps{*docker, *clock, *dialer, *progress, [] { throw_if_interrupted(); }};
  deps.probe_image = options.anvil_image;
  auto env_or_empty = [](const char* name) { return process_env(name).value_or(""); };
  auto ready_records = make_file_ready_records(
      default_ready_dir(env_or_empty("XDG_RUNTIME_DIR"), env_or_empty("TMPDIR")));
  deps.ready_records = ready_records.get();
  deps.adjust_spec = [&](const sidecars::SidecarStep& step, ContainerSpec& spec) {
    secrets.adjust_spec(step, spec);
  };
  deps.after_start = [&](const sidecars::SidecarStep& step, const std::string& id, bool fresh) {
    secrets.deliver(*docker, step, id, fresh);
  };
  execute_plan(deps, p.plan, p.definitions);
  progress->finish();
  AnvilNetworkJoin join(*docker, *clock, *plain, p.plan);
  return run_foreground(p.plan.anvil_argv);
}

}  // namespace run_anvil::launcher
