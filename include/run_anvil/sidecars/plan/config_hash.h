#pragma once

#include <string>
#include <string_view>

#include "run_anvil/sidecars/define/definition.h"
#include "run_anvil/sidecars/text/sha256.h"

// The `swarmforge.tong.config-hash` label (SPEC §5): sha256 over a canonical JSON of everything
// that shapes the container — image reference, command, entrypoint, env (secret references
// unresolved), mounts, interface, resources, restart, lifecycle. Not: description, readiness,
// depends_on, layer, file. Stable under key order in the TOML.
namespace run_anvil::sidecars {

std::string config_hash(const Definition& definition);

// The canonical JSON the hash is computed over (for debugging and tests).
std::string config_canonical_json(const Definition& definition);

}  // namespace run_anvil::sidecars
