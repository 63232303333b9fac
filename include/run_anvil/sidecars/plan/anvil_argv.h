#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// Parsing and rewriting the anvil's `docker run` argv (SPEC §8). Knows which docker/podman run
// options take a value so it can find the image; never touches anything after the image.
namespace run_anvil::sidecars {

struct AnvilCommand {
  std::vector<std::string> argv;
  bool is_run = false;          // docker run | docker container run | podman run (global opts ok)
  std::size_t run_index = 0;    // index of the "run" token
  std::size_t image_index = 0;  // index of the image argument
  // The --network/--net option among run's own options (before the image), if any.
  std::optional<std::string> network;
  std::optional<std::size_t> network_index;  // index of the option token
  bool network_inline = false;               // "--network=x" (one token) vs "--network x"
  std::optional<std::string> name;           // --name value, if any
  // --network-alias/--net-alias values: they apply to the network the container is created on.
  std::vector<std::string> network_aliases;
  bool podman = false;  // the program is podman (else docker)
  bool remove = false;  // --rm among run's own options
  bool dns = false;     // --dns among run's own options (the anvil names its own resolvers)
  // A global option that sends the command to another daemon than the environment names
  // (docker -H/--host, -c/--context; podman --url, -c/--connection, -r/--remote), as written,
  // e.g. "-H tcp://10.0.0.5:2375"; empty when none.
  std::string other_daemon_option;
};

// Parses argv. A non-run command yields is_run=false (not an error: passthrough never parses).
// Throws run_anvil::Error when it is a run command without an image.
AnvilCommand parse_anvil_argv(const std::vector<std::string>& argv);

struct Injection {
  // Added as `-e K=V` right after the run token, sorted by key.
  std::vector<std::pair<std::string, std::string>> env;
  // When set: replaces the value of an existing --network in place, else inserts
  // `--network <value>` after the -e flags.
  std::optional<std::string> network;
  // Extra run options (e.g. "-v", "vol:/path") inserted after the -e flags, as given.
  std::vector<std::string> extra_options;
  // When set: `--name <value>` is inserted after the -e flags (the anvil had no --name).
  std::optional<std::string> name;
};

// The argv to execute: docker's own options rewritten, everything from the image on untouched.
std::vector<std::string> rewrite_anvil_argv(const AnvilCommand& command,
                                            const Injection& injection);

}  // namespace run_anvil::sidecars
