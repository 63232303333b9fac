#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

// Which directory entries are definitions, and which only look like one (a typo the user should
// hear about). Header-only: the static front (launcher/front) uses it without linking the domain.
namespace run_anvil::sidecars {

inline constexpr std::string_view kDefinitionSuffix = ".toml";

inline bool is_definition_file_name(std::string_view name) {
  return name.size() > kDefinitionSuffix.size() && name.ends_with(kDefinitionSuffix);
}

// True for names that are probably meant as definitions but are never read: a suffix one typo
// away from ".toml" (`redis.tml`, `pg.tmol`, `db.tomll`) or ".toml" in another case (`x.TOML`).
// Deliberate renames are left alone: backups and disabled copies (`pg.toml.bak`, `pg.toml~`,
// `pg.toml.disabled`) have another final suffix, and hidden files (".pg.toml.swp") start with '.'.
inline bool looks_like_definition_file(std::string_view name) {
  if (name.empty() || name.front() == '.' || name.back() == '~') return false;
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || is_definition_file_name(name)) return false;
  std::string ext(name.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == "toml") return true;  // another case
  // One edit (insert, delete, substitute, adjacent swap) from "toml".
  constexpr std::string_view toml = "toml";
  if (ext.size() + 1 < toml.size() || ext.size() > toml.size() + 1) return false;
  std::size_t i = 0;
  while (i < ext.size() && i < toml.size() && ext[i] == toml[i]) ++i;
  // Whether ext[a..] == toml[b..]; false when either start lies past the end.
  auto rest_equal = [&](std::size_t a, std::size_t b) {
    return a <= ext.size() && b <= toml.size() && std::string_view(ext).substr(a) == toml.substr(b);
  };
  return rest_equal(i + 1, i + 1) || rest_equal(i, i + 1) || rest_equal(i + 1, i) ||
         (i + 1 < ext.size() && i + 1 < toml.size() && ext[i] == toml[i + 1] &&
          ext[i + 1] == toml[i] && rest_equal(i + 2, i + 2));
}

}  // namespace run_anvil::sidecars
