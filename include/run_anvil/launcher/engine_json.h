#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "run_anvil/launcher/docker_cli.h"
#include "run_anvil/launcher/http_transport.h"

// The Engine API's wire formats <-> DockerCLI types, kept apart from the calls so each mapping is
// tested on its own. Readers tolerate the nulls and absent keys the daemon emits
// ("Labels": null, "Aliases": null): a missing field maps to its empty value.
namespace run_anvil::launcher {

// One element of GET /containers/json (health, has_healthcheck, started_at stay empty).
ContainerInfo container_from_summary_json(const nlohmann::json& summary);
// GET /containers/{id}/json.
ContainerInfo container_from_inspect_json(const nlohmann::json& inspect);
// GET /networks/{id}.
NetworkInfo network_from_inspect_json(const nlohmann::json& inspect);

// GET /images/{name}/json: the image's Config (Entrypoint, Cmd, User).
ImageConfig image_config_from_inspect_json(const nlohmann::json& inspect);
// GET /volumes: {"Volumes": [...]}.
std::vector<VolumeInfo> volumes_from_list_json(const nlohmann::json& list);

// The body of POST /containers/create.
nlohmann::json container_create_json(const ContainerSpec& spec);
// The `filters` query value selecting containers by label: {"label":["k=v","k"]}.
std::string label_filters_json(const std::map<std::string, std::string>& labels);

// The daemon's own words for a failed call: "message" of a JSON error body, else the body text,
// else "HTTP <status>".
std::string daemon_message(const HttpResponse& response);

// Joins the frames of a multiplexed stdout/stderr stream (8-byte headers: stream, 0, 0, 0,
// big-endian size). A body that does not start with such a header (a TTY container) is raw
// and returned as is.
std::string demultiplex_stream(std::string_view body);

// An RFC 3339 timestamp as the daemon writes it (Go trims trailing zeros of the fraction) made
// comparable as a string: the fraction padded to nine digits.
std::string sortable_timestamp(std::string_view rfc3339);

// Percent-encodes everything but RFC 3986 unreserved characters and those in `keep`.
std::string percent_encode(std::string_view text, std::string_view keep = "");

}  // namespace run_anvil::launcher
