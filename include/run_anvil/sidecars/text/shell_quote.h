#pragma once

#include <string>

namespace run_anvil::sidecars {

// Shell-quotes one argument for display (never for execution).
std::string shell_quote(const std::string& arg);

}  // namespace run_anvil::sidecars

// Transitional: launcher code calls it unqualified.
namespace run_anvil::launcher {
using sidecars::shell_quote;
}  // namespace run_anvil::launcher
