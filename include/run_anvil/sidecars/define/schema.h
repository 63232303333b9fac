#pragma once

#include <string>

// `run-anvil schema` (SPEC §17): a JSON Schema (draft-07, which the TOML language servers read)
// of one definition file, generated from the key table the parser checks unknown keys against,
// so the two cannot drift.
namespace run_anvil::sidecars {

std::string definition_schema();

}  // namespace run_anvil::sidecars
