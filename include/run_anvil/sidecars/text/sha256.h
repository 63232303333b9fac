#pragma once

#include <string>
#include <string_view>

namespace run_anvil::sidecars {

// Lower-case hex sha256 of arbitrary bytes.
std::string sha256_hex(std::string_view data);

}  // namespace run_anvil::sidecars
