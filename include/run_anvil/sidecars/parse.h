#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "run_anvil/errors.h"
#include "run_anvil/sidecars/definition.h"

// TOML text -> one Definition (SPEC §4). Checks everything that one file can decide on its own:
// unknown keys, types, value ranges, required keys, defaults (readiness mode from interface kind,
// restart from lifecycle), durations, resource strings. Cross-file rules live in validate.h.
namespace run_anvil::sidecars {

struct ParseResult {
  std::optional<Definition> definition;  // set when diagnostics is empty
  std::vector<Diagnostic> diagnostics;   // every problem found, each `file:line: ...`
};

// `file` is the path used in diagnostics; `name` the file stem. Never throws for bad content.
ParseResult parse_definition(std::string_view text, const std::string& file, const std::string& name,
                             Layer layer);

// "500ms", "30s", "2m", "1h" or a plain number of seconds (integer or float). nullopt on error,
// zero or negative, or absurdly large (> 24h).
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// True when `name` matches [A-Za-z0-9][A-Za-z0-9_.-]* (and is at most 128 characters).
bool valid_sidecar_name(std::string_view name);

}  // namespace run_anvil::sidecars
