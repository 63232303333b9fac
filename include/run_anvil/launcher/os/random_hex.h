#pragma once

#include <cstddef>
#include <string>

namespace run_anvil::launcher {

// `bytes` random bytes from the system's random device, as 2*bytes lowercase hex digits: names
// that must not collide between launchers (session ids, generated anvil and probe names).
std::string random_hex(std::size_t bytes);

}  // namespace run_anvil::launcher
