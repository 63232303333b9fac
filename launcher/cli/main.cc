// run-anvil's entry point: parse, dispatch, and catch every user-facing error exactly once.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "run_anvil/errors.h"
#include "run_anvil/launcher/cli/cli.h"
#include "run_anvil/launcher/cli/commands.h"
#include "run_anvil/launcher/os/output_guard.h"

namespace {

void print_error(const std::string& message) {
  // Multi-line messages (several config errors, a log tail) keep one prefix per problem line
  // only where a line starts a new problem; log tails are printed as they are.
  // Errors carry log tails, file names and daemon words: masked and escaped (SPEC §15).
  const std::string safe = run_anvil::launcher::printable(message);
  std::fprintf(stderr, "run-anvil: error: %s\n", safe.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  run_anvil::launcher::guard_standard_streams();
  try {
    auto options = run_anvil::launcher::parse_command_line(args);
    if (!options) return run_anvil::exit_codes::kSuccess;
    return run_anvil::launcher::run_command(*options);
  } catch (const run_anvil::ConfigError& e) {
    for (const auto& d : e.diagnostics()) print_error(d.str());
    return e.exit_code();
  } catch (const run_anvil::Error& e) {
    print_error(e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    print_error(std::string("internal error: ") + e.what());
    return run_anvil::exit_codes::kLauncherFailure;
  }
}
