#pragma once

#include <optional>
#include <string>
#include <string_view>

// The one rule for what `image` may hold: docker's reference grammar
// ([registry[:port]/]path[:tag][@algorithm:hex]). `validate`, `plan` and the launch all get it
// through parse, so a definition validate accepts is never refused by the daemon for its form.
namespace run_anvil::sidecars {

// nullopt when `image` is a valid reference; else why not, for `file:line: image ...`.
std::optional<std::string> image_reference_problem(std::string_view image);

}  // namespace run_anvil::sidecars
