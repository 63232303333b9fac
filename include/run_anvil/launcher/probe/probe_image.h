#pragma once

#include <string>
#include <vector>

#include "run_anvil/launcher/docker/engine.h"

// The probe image run-anvil carries itself, so TCP readiness works against a daemon this host
// cannot dial (remote over tcp:// or ssh://, rootless, VM-backed) with no image from the user:
// `run-anvil/probe:<first 12 hex of the binary's sha256>`, whose only file is the static
// run-anvil-probe binary installed next to run-anvil-core. It is imported into the daemon the
// first time it is needed (a few hundred KiB, no registry) and found there afterwards; a new
// run-anvil build brings a new tag. The tag is named by content, so concurrent launchers
// importing at once produce the same image.
namespace run_anvil::launcher {

struct ProbeImage {
  std::string reference;                // its id ("sha256:..."), to create containers from
  std::vector<std::string> entrypoint;  // {"/run-anvil-probe"}: then host, port, seconds
};

// The image, imported first when the daemon lacks it. Throws Error when the probe binary is not
// installed next to this executable, or the daemon refuses the import.
ProbeImage ensure_probe_image(Engine& docker);

// Where run-anvil-probe is expected: beside /proc/self/exe.
std::string probe_binary_path();

}  // namespace run_anvil::launcher
