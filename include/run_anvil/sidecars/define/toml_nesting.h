#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "run_anvil/errors.h"

// A bound on how deeply a TOML text nests, checked BEFORE a TOML parser sees it (SPEC §15).
// toml++ recurses once per level of dotted keys, inline tables and arrays, so 40 000 nested
// dotted keys in an 80 KB file overflow the stack (SIGSEGV) before any error can be reported.
// This scanner is iterative and only tokenises as much TOML as it needs to count levels: strings
// (all four kinds), comments, table headers, keys and brackets. Anything else it does not judge;
// the TOML parser reports real syntax errors afterwards.
namespace run_anvil::sidecars {

// Levels a definition (or the provider table) may nest: table header parts + dotted key parts +
// open arrays and inline tables, counted together. Real definitions use at most 4.
inline constexpr int kMaxTomlNesting = 32;

// The first place in `text` that nests deeper than `max_depth`, as `file:line: ...`; nullopt when
// the text stays within the bound.
std::optional<Diagnostic> toml_nesting_problem(std::string_view text, const std::string& file,
                                               int max_depth = kMaxTomlNesting);

}  // namespace run_anvil::sidecars
