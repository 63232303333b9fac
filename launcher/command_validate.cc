#include <iostream>

#include "run_anvil/launcher/commands.h"
#include "run_anvil/launcher/definitions.h"

namespace run_anvil::launcher {

int command_validate(const Options& options) {
  auto discovery = discover_definitions(options);
  require_valid(discovery);
  if (options.verbosity != Verbosity::Quiet) {
    std::cerr << "run-anvil: " << discovery.definitions.size() << " sidecar definition"
              << (discovery.definitions.size() == 1 ? "" : "s") << " valid";
    for (const auto& d : discovery.definitions) {
      std::cerr << (&d == &discovery.definitions.front() ? ": " : ", ") << d.name << " ("
                << sidecars::to_string(d.layer) << ")";
    }
    std::cerr << "\n";
  }
  return exit_codes::kSuccess;
}

}  // namespace run_anvil::launcher
