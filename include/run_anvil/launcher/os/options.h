#pragma once

#include <string>
#include <vector>

#include "run_anvil/launcher/os/progress.h"
#include "run_anvil/sidecars/define/layers.h"

// What the user asked for, as plain data: every launcher layer reads it, cli/cli.h fills it from
// argv and the environment.
namespace run_anvil::launcher {

enum class Command {
  Run,
  Plan,
  Validate,
  Status,
  Doctor,
  Down,
  Schema,
  Import,
  Logs,
  Stop,
  Start,
  Restart,
  Completion,
  Manpage
};

struct Options {
  Command command = Command::Run;
  sidecars::LayerDirs dirs;
  std::string workspace;    // absolute
  std::string user_assets;  // $SWARMFORGE_USER_ASSETS_DIR or ~/.swarmforge
  std::string anvil_image;
  std::string approvals;
  std::string providers;
  bool no_prompt = false;
  Verbosity verbosity = Verbosity::Normal;
  ProgressMode progress = ProgressMode::Auto;
  bool json = false;                  // plan, status
  bool all = false;                   // status --all: every managed container on the daemon
  bool follow = false;                // logs -f
  int tail = -1;                      // logs --tail N (-1: all)
  std::string shell;                  // completion bash|zsh|fish
  bool fix = false;                   // doctor
  bool force = false;                 // down
  bool volumes = false;               // down --volumes: remove the sidecars' data volumes too
  std::vector<std::string> names;     // down, logs, stop, start, restart
  std::vector<std::string> recreate;  // run: --recreate NAME
  std::string harness;                // run, plan: --harness claude|opencode ("" = none)
  std::string compose_file;           // import
  std::vector<std::string> services;  // import: compose services (empty: all)
  std::string import_to;              // import: --to DIR ("" = the workspace layer)
  std::vector<std::string> anvil_argv;
};

}  // namespace run_anvil::launcher
