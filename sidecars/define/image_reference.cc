#include "run_anvil/sidecars/define/image_reference.h"

#include <regex>

namespace run_anvil::sidecars {
namespace {

// github.com/distribution/reference, regexp.go, as ECMAScript.
const std::regex& reference_grammar() {
  static const std::regex grammar(
      // domain (optional): components with '.' or a port, or "localhost", or not lowercase
      R"(^(?:((?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|)"
      R"([a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?|\[[0-9a-fA-F:]+\](?::[0-9]+)?)/)?)"
      // path components
      R"([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)"
      // tag, digest
      R"((?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?)"
      R"((?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$)",
      std::regex::ECMAScript | std::regex::optimize);
  return grammar;
}

// The first path component is a registry only when it looks like a host (docker's rule).
bool first_component_is_domain(std::string_view image) {
  auto slash = image.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view first = image.substr(0, slash);
  if (first == "localhost") return true;
  for (char c : first) {
    if (c == '.' || c == ':' || (c >= 'A' && c <= 'Z')) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> image_reference_problem(std::string_view image) {
  const std::string quoted = "image \"" + std::string(image) + "\"";
  if (image.find('$') != std::string_view::npos) {
    return quoted +
           " is not an image reference: variables are not expanded in definitions (write the "
           "image itself, e.g. \"postgres:16\")";
  }
  std::string_view name = image.substr(0, image.find_first_of(":@", image.rfind('/') + 1));
  bool ok = image.size() <= 512 && name.size() <= 255 &&
            std::regex_match(image.begin(), image.end(), reference_grammar());
  // Without a registry, an uppercase first component is not a domain: refuse as docker does.
  if (ok && !first_component_is_domain(image)) {
    std::string_view path = image.substr(0, image.find_first_of(":@"));
    for (char c : path) ok = ok && !(c >= 'A' && c <= 'Z');
  }
  if (ok) return std::nullopt;
  return quoted +
         " is not a valid image reference: [registry[:port]/]name[:tag][@digest], the name in "
         "lowercase";
}

}  // namespace run_anvil::sidecars
