#pragma once

#include <map>
#include <optional>
#include <string>

// When is an existing managed container out of date with its definition (SPEC §5)? Shared by
// `status` and `doctor`; the plan applies the same rule when it decides to recreate.
namespace run_anvil::sidecars {

// "config changed" when the container's config-hash label differs from `config_hash`;
// "image rebuilt" when `image_id` (the local ID of the definition's image reference, "" when
// unknown) differs from the image-ID label; nullopt when it is up to date.
std::optional<std::string> stale_reason(const std::map<std::string, std::string>& labels,
                                        const std::string& config_hash,
                                        const std::string& image_id);

}  // namespace run_anvil::sidecars
