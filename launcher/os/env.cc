#include "run_anvil/launcher/os/env.h"

#include <cstdlib>

namespace run_anvil::launcher {

std::optional<std::string> process_env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

}  // namespace run_anvil::launcher
