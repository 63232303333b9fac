#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "run_anvil/errors.h"
#include "run_anvil/sidecars/define/definition.h"

// TOML text -> one Definition (SPEC §4). Checks everything that one file can decide on its own:
// unknown keys, types, value ranges, required keys, defaults (readiness mode from interface kind,
// restart from lifecycle), durations, resource strings. Cross-file rules live in validate.h.
namespace run_anvil::sidecars {

struct ParseResult {
  std::optional<Definition> definition;  // set when diagnostics is empty
  std::vector<Diagnostic> diagnostics;   // every problem found, each `file:line: ...`
};

// `file` is the path used in diagnostics; `name` the file stem. Never throws for bad content.
ParseResult parse_definition(std::string_view text, const std::string& file,
                             const std::string& name, Layer layer);

// "500ms", "30s", "2m", "1h" or a plain number of seconds (integer or float). nullopt on error,
// zero or negative, or absurdly large (> 24h).
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// A DNS label is at most 63 characters (RFC 1035): a longer sidecar name or alias validates in
// docker but never resolves (SPEC §14).
inline constexpr std::size_t kMaxDnsLabel = 63;

// True when `name` matches [A-Za-z0-9][A-Za-z0-9_.-]* and is at most 63 characters.
bool valid_sidecar_name(std::string_view name);

// Lexical: "a//b/./c/../d" -> "a/b/d"; ".." above an absolute root is dropped, above a
// relative start kept. Used for bind sources (SPEC §11).
std::string normalize_path(std::string_view path);

// A name the anvil resolves (sidecar name, alias, mcp name): valid_sidecar_name, and with
// `single_label` (the untrusted workspace layer) no dots, so it can never shadow an external
// name such as github.com (SPEC §14).
bool valid_dns_name(std::string_view name, bool single_label);

}  // namespace run_anvil::sidecars
