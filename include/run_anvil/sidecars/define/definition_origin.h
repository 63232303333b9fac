#pragma once

#include <map>
#include <string>
#include <vector>

#include "run_anvil/sidecars/define/definition.h"
#include "run_anvil/sidecars/define/ownership.h"

// Where a definition came from, as recorded in the origin labels of every container made from
// it (sidecars/ownership.h), and what this process can find out about a recorded origin.
namespace run_anvil::launcher {

// The absolute, normalized path of its file: the same file gives the same origin from any
// working directory.
std::string definition_origin(const sidecars::Definition& definition);

// Sidecar name -> origin, for every definition.
std::map<std::string, std::string> definition_origins(
    const std::vector<sidecars::Definition>& definitions);

// Path and identity, for judge_origin.
sidecars::DefinitionRef definition_ref(const sidecars::Definition& definition);

// The labels a container made from `definition` carries: definition (path) and definition-id.
// The third origin label, definition-seen (where the path was seen from), comes from the
// launcher through PlanOptions::origin_vantage.
std::map<std::string, std::string> origin_labels(const sidecars::Definition& definition);

}  // namespace run_anvil::launcher
