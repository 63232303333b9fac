#include <iostream>

#include "run_anvil/launcher/cli/commands.h"
#include "run_anvil/launcher/cli/definitions.h"
#include "run_anvil/launcher/cli/operate.h"
#include "run_anvil/launcher/os/process.h"
#include "run_anvil/launcher/run/prepare.h"

namespace run_anvil::launcher {
namespace {

int control(const Options& options, ControlVerb verb) {
  auto discovery = discover_definitions(options);
  auto docker = connect_docker();
  auto clock = make_system_clock();
  auto dialer = make_tcp_dialer();
  OperateDeps deps{*docker, *clock, *dialer, std::cout, std::cerr, options.verbosity};
  return control_sidecars(deps, discovery, verb, options.names);
}

}  // namespace

int command_stop(const Options& options) { return control(options, ControlVerb::Stop); }
int command_start(const Options& options) { return control(options, ControlVerb::Start); }
int command_restart(const Options& options) { return control(options, ControlVerb::Restart); }

int command_logs(const Options& options) {
  auto discovery = discover_definitions(options);
  auto docker = connect_docker();
  auto clock = make_system_clock();
  auto dialer = make_tcp_dialer();
  OperateDeps deps{*docker, *clock, *dialer, std::cout, std::cerr, options.verbosity};
  install_signal_handlers();  // -f ends on Ctrl-C with 130, like `docker logs -f`
  LogsOptions logs;
  logs.tail = options.tail;
  logs.follow = options.follow;
  logs.interrupted = [] { return pending_signal() != 0; };
  int rc = show_logs(deps, discovery, options.names.front(), logs);
  if (int s = pending_signal()) return exit_codes::kSignalBase + s;
  return rc;
}

}  // namespace run_anvil::launcher
