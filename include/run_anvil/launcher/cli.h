#pragma once

#include <optional>
#include <string>
#include <vector>

#include "run_anvil/launcher/progress.h"
#include "run_anvil/sidecars/layers.h"

// The command line (SPEC §2): the launcher's own options come before the first `--`, the anvil
// command after it, never interpreted.
namespace run_anvil::launcher {

enum class Command { Run, Plan, Validate, Status, Doctor, Down };

struct Options {
  Command command = Command::Run;
  sidecars::LayerDirs dirs;
  std::string workspace;   // absolute
  std::string user_assets; // $SWARMFORGE_USER_ASSETS_DIR or ~/.swarmforge
  std::string anvil_image;
  std::string approvals;
  std::string providers;
  bool no_prompt = false;
  Verbosity verbosity = Verbosity::Normal;
  bool json = false;   // plan, status
  bool fix = false;    // doctor
  bool force = false;  // down
  std::vector<std::string> names;     // down
  std::vector<std::string> recreate;  // run: --recreate NAME
  std::string harness;                // run, plan: --harness claude|opencode ("" = none)
  std::vector<std::string> anvil_argv;
};

// Reads a variable of the launcher's environment (injectable for tests).
using EnvLookup = std::optional<std::string> (*)(const char*);
std::optional<std::string> process_env(const char* name);

// Parses argv (argv[0] included). Returns nullopt after printing help (exit 0). Throws
// UsageError for bad usage.
std::optional<Options> parse_command_line(const std::vector<std::string>& argv,
                                          EnvLookup env = process_env);

}  // namespace run_anvil::launcher
