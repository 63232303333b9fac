#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// "Did you mean" for every name a user types: subcommands, options, TOML keys. Pure.
namespace run_anvil::sidecars {

// Levenshtein distance (insert, delete, substitute; an adjacent swap counts 1, as a typo does).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `typed`, when it is close enough to be a plausible typo: at most
// 1 edit for names of up to 4 characters, else at most 2 (or a third of the length for long
// names). Ties go to the earlier candidate. nullopt when nothing is that close.
std::optional<std::string> closest(std::string_view typed,
                                   const std::vector<std::string>& candidates);

// " (did you mean \"X\"?)" or "" — the suffix every message appends.
std::string did_you_mean(std::string_view typed, const std::vector<std::string>& candidates);

}  // namespace run_anvil::sidecars
