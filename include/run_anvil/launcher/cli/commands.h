#pragma once

#include "run_anvil/launcher/cli/cli.h"

// One function per subcommand; each returns the process exit code and throws run_anvil::Error for
// failures the user must see. main() catches once.
namespace run_anvil::launcher {

int command_run(const Options& options);
int command_plan(const Options& options);
int command_validate(const Options& options);
int command_status(const Options& options);
int command_doctor(const Options& options);
int command_down(const Options& options);
int command_schema(const Options& options);
int command_import(const Options& options);
int command_logs(const Options& options);
int command_stop(const Options& options);
int command_start(const Options& options);
int command_restart(const Options& options);

// Dispatches on options.command.
int run_command(const Options& options);

}  // namespace run_anvil::launcher
