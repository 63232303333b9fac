#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "run_anvil/errors.h"
#include "run_anvil/sidecars/define/definition.h"

// `env_file` (SPEC §12): KEY=VALUE files beside a definition, read at discovery.
namespace run_anvil::sidecars {

// Appends the KEY=VALUE pairs of one env file to `out`, in file order. Blank lines and lines
// starting with '#' are skipped, an "export " prefix is allowed, a value in matching quotes
// loses them. Returns a `file:line` diagnostic per bad line; values never appear in them.
std::vector<Diagnostic> parse_env_file_text(std::string_view text, const std::string& file,
                                            std::vector<std::pair<std::string, std::string>>& out);

// Merges env-file pairs (in file order, later wins) under def.env: a key of [env] always wins.
// def.env stays sorted by key.
void merge_env_files(Definition& def,
                     const std::vector<std::pair<std::string, std::string>>& from_files);

}  // namespace run_anvil::sidecars
