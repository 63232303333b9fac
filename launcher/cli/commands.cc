#include "run_anvil/launcher/cli/commands.h"

#include <iostream>

#include "run_anvil/errors.h"
#include "run_anvil/launcher/cli/completions.h"

namespace run_anvil::launcher {

int run_command(const Options& options) {
  switch (options.command) {
    case Command::Run:
      return command_run(options);
    case Command::Plan:
      return command_plan(options);
    case Command::Validate:
      return command_validate(options);
    case Command::Status:
      return command_status(options);
    case Command::Doctor:
      return command_doctor(options);
    case Command::Down:
      return command_down(options);
    case Command::Schema:
      return command_schema(options);
    case Command::Import:
      return command_import(options);
    case Command::Logs:
      return command_logs(options);
    case Command::Stop:
      return command_stop(options);
    case Command::Start:
      return command_start(options);
    case Command::Restart:
      return command_restart(options);
    case Command::Completion:
      std::cout << completion_script(options.shell);
      return 0;
    case Command::Manpage:
      std::cout << man_page();
      return 0;
  }
  return exit_codes::kLauncherFailure;
}

}  // namespace run_anvil::launcher
