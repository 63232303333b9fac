#pragma once

#include <memory>
#include <string>

#include "run_anvil/launcher/docker_cli.h"
#include "run_anvil/launcher/http_transport.h"

// DockerCLI over the Docker Engine REST API. Negotiates the API version with GET /version on
// first use (never above the client's maximum, 1.41 minimum-compatible), maps JSON to the
// DockerCLI types, and turns daemon error bodies {"message": ...} into DockerError.
namespace run_anvil::launcher {

std::unique_ptr<DockerCLI> make_engine_api(std::unique_ptr<HttpTransport> transport);

}  // namespace run_anvil::launcher
