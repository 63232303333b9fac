#pragma once

#include <memory>
#include <string>

#include "run_anvil/launcher/docker/engine.h"
#include "run_anvil/launcher/docker/http_transport.h"

// Engine over the Docker Engine REST API. The first call pings the daemon (GET /_ping, bounded
// at 5 s), then every path is prefixed with an assumed API version (1.41) that is corrected once
// if the daemon names its own bounds in a 400. Maps JSON to the Engine types, and turns daemon
// error bodies {"message": ...} into DockerError.
namespace run_anvil::launcher {

std::unique_ptr<Engine> make_engine_api(std::unique_ptr<HttpTransport> transport);

}  // namespace run_anvil::launcher
