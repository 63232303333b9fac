#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The `${secret:<provider>:<ref>}` grammar (SPEC §10), in one place: the validator, has_secrets,
// the privilege summary and the resolver all read references through it, so they cannot
// disagree about what a reference is. <provider> matches [a-z0-9_-]+; <ref> is everything up to
// the next '}', at least one byte and no control characters.
namespace run_anvil::sidecars {

inline constexpr std::string_view kSecretRefOpen = "${secret:";

struct SecretRef {
  std::string provider;
  std::string ref;
  std::size_t begin = 0;  // offset of "${" in the scanned value
  std::size_t end = 0;    // one past the closing '}'

  // "${secret:<provider>:<ref>}"
  std::string text() const { return std::string(kSecretRefOpen) + provider + ":" + ref + "}"; }
};

// True when `value` mentions "${secret:" at all (well-formed or not).
bool mentions_secret(std::string_view value);

// Every reference in `value`, in order; nullopt when some "${secret:" does not start a
// well-formed reference (the validator reports that; nothing later sees such a value).
std::optional<std::vector<SecretRef>> parse_secret_refs(std::string_view value);

// The references of a value that passed validation (empty for a malformed one).
std::vector<SecretRef> secret_refs(std::string_view value);

}  // namespace run_anvil::sidecars
