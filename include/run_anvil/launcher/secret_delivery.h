#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "run_anvil/launcher/docker_cli.h"
#include "run_anvil/launcher/secrets.h"
#include "run_anvil/sidecars/definition.h"
#include "run_anvil/sidecars/plan.h"

// How a resolved secret reaches a sidecar's process environment and nowhere else (SPEC §10).
//
// Config.Env is shown by `docker inspect`, so secrets never go there. Instead the container is
// created with a small /bin/sh entrypoint that exports the variables of /run/swarmforge/secrets.env
// and then execs the sidecar's real command (its own entrypoint + command, or the image's).
// Between create and start, that file is put into the container's file system through the
// Engine API's archive upload: it never touches the host's disk, any argv, label or log. The
// file stays in the container (mode 0400 for the user it runs as), so a restart by the restart
// policy finds it again. Secret-bearing sidecars therefore need /bin/sh in their image.
namespace run_anvil::launcher {

inline constexpr const char* kSecretsDir = "/run/swarmforge";
inline constexpr const char* kSecretsFile = "/run/swarmforge/secrets.env";

// `value` in POSIX single quotes: 'it'\''s' — safe for any bytes but NUL.
std::string shell_single_quote(std::string_view value);

// One `KEY='value'` line per variable (keys are valid shell names, checked by parse).
std::string render_env_file(const std::vector<std::pair<std::string, std::string>>& env);

// A POSIX ustar archive holding one regular file `name` (relative, e.g. "run/swarmforge/x").
std::string ustar_single_file(const std::string& name, std::string_view content, unsigned mode,
                              unsigned uid, unsigned gid);

// The entrypoint that sources the secrets file, then `exec "$@"`.
std::vector<std::string> secret_wrapper_entrypoint();

// What the container would run without the wrapper, following Docker's rules: the definition's
// entrypoint (an explicit one drops the image's command), else the image's; the definition's
// command, else the image's. Throws Error naming the sidecar when that is nothing at all.
std::vector<std::string> effective_argv(const sidecars::Definition& definition,
                                        const ImageConfig& image);

// Owner and mode of the secrets file for a container running as `user` (Config.User): 0400 and
// that uid/gid when root or numeric; 0444 (readable inside the container only) when it is a name
// the launcher cannot map to a uid without the image's /etc/passwd.
struct SecretFileOwner {
  unsigned uid = 0;
  unsigned gid = 0;
  unsigned mode = 0400;
};
SecretFileOwner secret_file_owner(const std::string& user);

// The resolved secrets of one run, for the executor's hooks.
class SecretDelivery {
 public:
  // Resolves the references of every sidecar the plan creates or recreates (reused ones keep
  // theirs) before any container is created, and looks up the image defaults the wrapper needs.
  // Throws Error (never holding a value) when a reference cannot be resolved.
  static SecretDelivery prepare(DockerCLI& docker, const sidecars::Plan& plan,
                                const std::vector<sidecars::Definition>& definitions,
                                SecretResolver& resolver);

  bool empty() const { return payloads_.empty(); }
  bool has(const std::string& sidecar) const { return payloads_.count(sidecar) != 0; }
  // Before create: the wrapper entrypoint and the real argv as its arguments.
  void adjust_spec(const sidecars::SidecarStep& step, ContainerSpec& spec) const;
  // Between create and start: uploads the secrets file into container `id`.
  void upload(DockerCLI& docker, const sidecars::SidecarStep& step, const std::string& id) const;

 private:
  struct Payload {
    std::vector<std::string> argv;  // the real command, run by the wrapper
    std::string archive;            // tar holding run/swarmforge/secrets.env
  };
  std::map<std::string, Payload> payloads_;  // by sidecar name
};

}  // namespace run_anvil::launcher
