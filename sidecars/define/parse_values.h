#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "run_anvil/sidecars/define/definition.h"

// Checks and conversions of single scalar values in a definition, free of TOML so they can be
// tested and reused on their own. Internal to sidecars/.
namespace run_anvil::sidecars::detail {

// Docker refuses memory limits below 6 MiB; above 1 TiB is a typo, not a limit.
inline constexpr std::int64_t kMinMemoryBytes = std::int64_t{6} << 20;
inline constexpr std::int64_t kMaxMemoryBytes = std::int64_t{1} << 40;
inline constexpr std::int64_t kMaxNanoCpus = std::int64_t{1024} * 1000000000;

// `value` in double quotes for a message: control characters, quotes and backslashes escaped,
// cut after 64 bytes so a huge value cannot flood the terminal. Never use it on env values.
std::string quoted(std::string_view value);

// [A-Za-z0-9][A-Za-z0-9_.-]*, at most 128 bytes: sidecar names, aliases, volume names.
bool valid_simple_name(std::string_view name);
// An image reference docker could accept: non-empty, no whitespace or control characters, and
// not starting with '-' (it would read as an option on a command line).
bool valid_image(std::string_view image);
bool has_control_chars(std::string_view text);
// [A-Za-z_][A-Za-z0-9_]*
bool valid_env_key(std::string_view key);
// Every "${secret:" in `value` starts a well-formed `${secret:<provider>:<ref>}` with provider
// [a-z0-9_-]+ and a non-empty ref without '}' or control characters.
bool valid_secret_references(std::string_view value);
// "workspace" | "docker-socket", optionally followed by ":ro" or ":rw".
std::optional<Mount> parse_mount(std::string_view text);
// Absolute, no "..", ':' or control characters, not "/" itself.
bool valid_mountpoint(std::string_view path);
// Starts with '/', no whitespace or control characters.
bool valid_url_path(std::string_view path);
// "1024", "256k", "512m", "1g" (suffix case-insensitive, optional "b") -> bytes, within
// [kMinMemoryBytes, kMaxMemoryBytes]; nullopt otherwise.
std::optional<std::int64_t> parse_memory(std::string_view text);
// "2", "1.5", "0.25" -> nano CPUs, in (0, kMaxNanoCpus]; at most 9 decimals.
std::optional<std::int64_t> parse_nano_cpus(std::string_view text);
// 1500000000 -> "1.5"
std::string format_nano_cpus(std::int64_t nano);

}  // namespace run_anvil::sidecars::detail
