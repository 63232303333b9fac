#pragma once

#include <chrono>
#include <string>

// Durations as the launcher prints them.
namespace run_anvil::sidecars {

// "0.5s", "2.0s", "12s": seconds with one decimal below ten seconds, whole seconds above.
std::string seconds_text(std::chrono::milliseconds d);

}  // namespace run_anvil::sidecars
