#pragma once

#include <string>
#include <vector>

namespace run_anvil::sidecars {

// Shell-quotes one argument for display (never for execution).
std::string shell_quote(const std::string& arg);

// The arguments shell-quoted and joined by spaces: a command as a user would type it.
std::string shell_join(const std::vector<std::string>& argv);

}  // namespace run_anvil::sidecars

// Transitional: launcher code calls it unqualified.
namespace run_anvil::launcher {
using sidecars::shell_join;
using sidecars::shell_quote;
}  // namespace run_anvil::launcher
