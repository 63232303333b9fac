#pragma once

#include <string_view>

// Internal to anvil_argv.cc: which docker/podman options take a separate value. The parser needs
// this to tell `--network x` (option + value) from `--rm img` (flag + image); one wrong entry
// makes it mistake an option value for the image, so the tables follow the engines' own flag
// definitions (docker/cli cli/command/container/opts.go + run.go, podman
// cmd/podman/common/{create,netflags}.go + containers/run.go).
namespace run_anvil::sidecars::run_options {

enum class Engine { Docker, Podman };
// Global options sit between the binary and the subcommand; run options after `run`.
enum class Scope { Global, Run };

// True when `--<name>` (given without the leading dashes) takes its value from the next token.
// Unknown names are booleans (see the definition for why).
bool long_takes_value(Engine engine, Scope scope, std::string_view name);

// True when the short option `-<letter>` takes a value (the rest of its cluster, or the next
// token when it ends the cluster).
bool short_takes_value(Engine engine, Scope scope, char letter);

}  // namespace run_anvil::sidecars::run_options
