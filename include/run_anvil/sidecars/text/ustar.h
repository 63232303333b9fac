#pragma once

#include <string>
#include <string_view>

// Archives the daemon unpacks (PUT /containers/{id}/archive, POST /images/create?fromSrc=-).
namespace run_anvil::sidecars {

// A POSIX ustar archive holding one regular file `name` (relative, e.g. "run/swarmforge/x"),
// with a fixed mtime, so the bytes depend only on the inputs.
std::string ustar_single_file(const std::string& name, std::string_view content, unsigned mode,
                              unsigned uid, unsigned gid);

}  // namespace run_anvil::sidecars
