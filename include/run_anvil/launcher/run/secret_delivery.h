#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "run_anvil/launcher/docker/engine.h"
#include "run_anvil/launcher/run/secrets.h"
#include "run_anvil/sidecars/define/definition.h"
#include "run_anvil/sidecars/plan/plan.h"

// How a resolved secret reaches a sidecar's process environment and nowhere else (SPEC §10, §15).
//
// Config.Env is shown by `docker inspect` and written to the daemon's disk, so secrets never go
// there; nor does any file: the archive API writes into the container's writable layer (dockerd
// 20.10 even puts a file meant for a tmpfs mount into the layer beneath it), which `docker diff`,
// `docker export` and `docker commit` then show. Instead the container is created with
// OpenStdin + StdinOnce and a /bin/sh entrypoint (builtins only: read, eval, exec) that reads
// `KEY='value'` lines from its standard input up to an end line, exports them and execs the
// sidecar's real command with stdin from /dev/null. Right after start the launcher attaches to
// that input and writes the lines: they travel over the daemon socket into a pipe, and live on
// only in the service's memory. Nothing of them is on any disk.
//
// A restart (restart policy, `docker restart`, a daemon restart) starts the wrapper again with
// an empty input: it waits, and never starts the service without its secrets. The next launch
// sees the waiting wrapper (`docker top`) and delivers again. Secret-bearing sidecars need
// /bin/sh in their image; one without is refused before anything is created.
namespace run_anvil::launcher {

// `value` in POSIX single quotes: 'it'\''s' — safe for any bytes but NUL.
std::string shell_single_quote(std::string_view value);

// One `KEY=...` line per variable (keys are valid shell names, checked by parse), a newline
// inside a value written as "$n" (the wrapper's newline) so every line is one whole assignment,
// then the end line.
std::string render_secret_lines(const std::vector<std::pair<std::string, std::string>>& env);

// The end line of render_secret_lines: never a `KEY=` line.
inline constexpr const char* kSecretsEnd = "# run-anvil: end of secrets";
// In the wrapper's command line, so `docker top` shows a wrapper still waiting for its secrets.
inline constexpr const char* kAwaitingSecrets = "run-anvil-await-secrets";

// The entrypoint that reads the secret lines, then `exec "$@"`.
std::vector<std::string> secret_wrapper_entrypoint();

// True when a process of the container (`docker top`'s commands) is the wrapper waiting.
bool awaiting_secrets(const std::vector<std::string>& process_commands);

// What the container would run without the wrapper, following Docker's rules: the definition's
// entrypoint (an explicit one drops the image's command), else the image's; the definition's
// command, else the image's. Throws Error naming the sidecar when that is nothing at all.
std::vector<std::string> effective_argv(const sidecars::Definition& definition,
                                        const ImageConfig& image);

// Whether `image` has a /bin/sh the wrapper can run: looked up in a throwaway container that is
// created (never started, no network) and removed again. Throws DockerError on daemon failure.
bool image_has_shell(Engine& docker, const std::string& image);

// The resolved secrets of one run, for the executor's hooks.
class SecretDelivery {
 public:
  // Before any container is created: resolves the references of every sidecar the plan creates
  // or recreates, and of reused ones whose wrapper waits for its secrets (restarted since); looks
  // up the image defaults the wrapper needs; refuses an image without /bin/sh. Throws Error
  // (never holding a value) when a reference cannot be resolved or an image cannot take secrets.
  static SecretDelivery prepare(Engine& docker, const sidecars::Plan& plan,
                                const std::vector<sidecars::Definition>& definitions,
                                SecretResolver& resolver);

  bool empty() const { return payloads_.empty(); }
  bool has(const std::string& sidecar) const { return payloads_.count(sidecar) != 0; }
  // Before create: the wrapper entrypoint, the real argv as its arguments, an open stdin.
  void adjust_spec(const sidecars::SidecarStep& step, ContainerSpec& spec) const;
  // After start (or for a reused container waiting for its secrets): writes the secrets to the
  // wrapper's input and waits until the wrapper has exec'd the service. A container this run
  // created and started (`fresh`) is always written to: right after the start `docker top` may
  // not show the wrapper yet. Any other (reused, or adopted from a peer) only while `docker top`
  // shows its wrapper waiting, so a peer's delivery is not repeated. Throws Error naming the
  // sidecar (never a value) when the daemon refuses or the wrapper does not take them.
  void deliver(Engine& docker, const sidecars::SidecarStep& step, const std::string& id,
               bool fresh) const;

 private:
  struct Payload {
    std::vector<std::string> argv;  // the real command, run by the wrapper
    std::string lines;              // render_secret_lines of the resolved env
  };
  std::map<std::string, Payload> payloads_;  // by sidecar name
};

}  // namespace run_anvil::launcher
