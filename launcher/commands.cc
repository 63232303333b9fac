#include "run_anvil/launcher/commands.h"

#include "run_anvil/errors.h"

namespace run_anvil::launcher {

int run_command(const Options& options) {
  switch (options.command) {
    case Command::Run: return command_run(options);
    case Command::Plan: return command_plan(options);
    case Command::Validate: return command_validate(options);
    case Command::Status: return command_status(options);
    case Command::Doctor: return command_doctor(options);
    case Command::Down: return command_down(options);
  }
  return exit_codes::kLauncherFailure;
}

}  // namespace run_anvil::launcher
