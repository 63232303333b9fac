#pragma once

#include <optional>
#include <string>
#include <vector>

#include "run_anvil/launcher/os/env.h"
#include "run_anvil/launcher/os/options.h"

// The command line (SPEC §2): the launcher's own options come before the first `--`, the anvil
// command after it, never interpreted.
namespace run_anvil::launcher {

// What `run-anvil --version` prints: "run-anvil <project version>".
extern const char* const kVersionLine;

// Parses argv (argv[0] included). Returns nullopt after printing help or the version (exit 0).
// Throws UsageError for bad usage, naming what was wrong, the valid choices and, for a near miss,
// what was probably meant. Layer directories and the workspace given explicitly must exist.
// The commands and options come from cli_spec.h.
std::optional<Options> parse_command_line(const std::vector<std::string>& argv,
                                          const EnvLookup& env = process_env);

}  // namespace run_anvil::launcher
