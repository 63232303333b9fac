#pragma once

#include <functional>
#include <optional>
#include <string>

// The launcher's environment, behind one seam: code that reads a variable takes an EnvLookup (tests
// inject one) or calls process_env; nothing else in launcher/ calls getenv. The static front
// (launcher/front/) reads its few variables itself: it links nothing but its own folder.
namespace run_anvil::launcher {

// A variable's value, or nullopt when it is unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The real environment of this process.
std::optional<std::string> process_env(const std::string& name);

}  // namespace run_anvil::launcher
