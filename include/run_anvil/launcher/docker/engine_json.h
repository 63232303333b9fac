#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "run_anvil/launcher/docker/engine.h"
#include "run_anvil/launcher/docker/http_transport.h"

// The Engine API's wire formats <-> Engine types, kept apart from the calls so each mapping is
// tested on its own. Readers tolerate the nulls and absent keys the daemon emits
// ("Labels": null, "Aliases": null): a missing field maps to its empty value.
namespace run_anvil::launcher {

// One element of GET /containers/json (started_at stays empty; health and has_healthcheck only
// where the list carries Health, API 1.52).
ContainerInfo container_from_summary_json(const nlohmann::json& summary);
// GET /containers/{id}/json.
ContainerInfo container_from_inspect_json(const nlohmann::json& inspect);
// GET /networks/{id}.
NetworkInfo network_from_inspect_json(const nlohmann::json& inspect);

// GET /images/{name}/json: the image's Config (Entrypoint, Cmd, User).
ImageConfig image_config_from_inspect_json(const nlohmann::json& inspect);
// GET /volumes: {"Volumes": [...]}.
std::vector<VolumeInfo> volumes_from_list_json(const nlohmann::json& list);

// The X-Docker-Container-Path-Stat header of HEAD /containers/{id}/archive: base64 of
// {"name","size","mode","mtime","linkTarget"} with a Go os.FileMode. nullopt when unreadable.
std::optional<PathStat> path_stat_from_header(std::string_view base64);
// GET /containers/{id}/top: the CMD column of every process.
std::vector<std::string> commands_from_top_json(const nlohmann::json& top);

// The body of POST /containers/create. With `several_networks` (API 1.44+, podman) every network
// of the spec is in EndpointsConfig; otherwise only spec.network (the rest is connected later).
nlohmann::json container_create_json(const ContainerSpec& spec, bool several_networks = false);
// The `filters` query value selecting containers by label: {"label":["k=v","k"]}.
std::string label_filters_json(const std::map<std::string, std::string>& labels);

// The daemon's own words for a failed call: "message" of a JSON error body, else the body text,
// else "HTTP <status>".
std::string daemon_message(const HttpResponse& response);

// Joins the frames of a multiplexed stdout/stderr stream (8-byte headers: stream, 0, 0, 0,
// big-endian size). A body that does not start with such a header (a TTY container) is raw
// and returned as is.
std::string demultiplex_stream(std::string_view body);

// The same, fed piece by piece as the stream arrives, keeping only the last `keep` bytes of output
// (SPEC §15: a flooding command costs the launcher nothing). With `first_line_apart`, the first
// line of stdout is held apart from the output (the exec wrapper's report of its PID); a first
// line longer than 64 bytes is not that report and stays in the output.
class StreamDemux {
 public:
  explicit StreamDemux(std::size_t keep, bool first_line_apart = false)
      : keep_(keep), first_line_apart_(first_line_apart) {}
  void feed(std::string_view chunk);
  // The last `keep` bytes of stdout+stderr, in arrival order.
  std::string tail() const;
  // The first stdout line without its newline, once it is complete; "" before.
  const std::string& first_line() const { return first_line_; }
  bool first_line_complete() const { return first_line_done_; }

 private:
  void output(std::uint8_t stream, std::string_view data);
  void append(std::string_view data);

  std::size_t keep_;
  bool first_line_apart_;
  bool decided_ = false;  // framed or raw, judged on the first bytes
  bool framed_ = true;
  std::string header_;            // a frame header split across pieces
  std::uint32_t frame_left_ = 0;  // payload bytes of the current frame still to come
  std::uint8_t frame_stream_ = 1;
  std::string tail_;
  std::string first_line_;
  bool first_line_done_ = false;
};

// An RFC 3339 timestamp as the daemon writes it (Go trims trailing zeros of the fraction) made
// comparable as a string: the fraction padded to nine digits.
std::string sortable_timestamp(std::string_view rfc3339);

// Percent-encodes everything but RFC 3986 unreserved characters and those in `keep`.
std::string percent_encode(std::string_view text, std::string_view keep = "");

}  // namespace run_anvil::launcher
