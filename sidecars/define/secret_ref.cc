#include "run_anvil/sidecars/define/secret_ref.h"

#include "parse_values.h"

namespace run_anvil::sidecars {
namespace {

bool provider_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

}  // namespace

bool mentions_secret(std::string_view value) {
  return value.find(kSecretRefOpen) != std::string_view::npos;
}

std::optional<std::vector<SecretRef>> parse_secret_refs(std::string_view value) {
  std::vector<SecretRef> out;
  for (auto pos = value.find(kSecretRefOpen); pos != std::string_view::npos;
       pos = value.find(kSecretRefOpen, pos)) {
    const std::size_t start = pos + kSecretRefOpen.size();
    std::size_t colon = start;
    while (colon < value.size() && provider_char(value[colon])) ++colon;
    if (colon == start || colon >= value.size() || value[colon] != ':') return std::nullopt;
    const auto close = value.find('}', colon + 1);
    if (close == std::string_view::npos || close == colon + 1) return std::nullopt;
    const auto ref = value.substr(colon + 1, close - colon - 1);
    if (detail::has_control_chars(ref)) return std::nullopt;
    out.push_back(
        {std::string(value.substr(start, colon - start)), std::string(ref), pos, close + 1});
    pos = close + 1;
  }
  return out;
}

std::vector<SecretRef> secret_refs(std::string_view value) {
  auto refs = parse_secret_refs(value);
  return refs ? std::move(*refs) : std::vector<SecretRef>{};
}

}  // namespace run_anvil::sidecars
