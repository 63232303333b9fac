#include "run_anvil/launcher/run/secret_delivery.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "run_anvil/errors.h"
#include "run_anvil/launcher/os/host_lock.h"
#include "run_anvil/sidecars/define/naming.h"

namespace run_anvil::launcher {
namespace {

// How long a freshly started wrapper may take to exec the service once its input is written
// (it is a handful of shell builtins; a loaded host gets plenty of slack).
constexpr std::chrono::milliseconds kAcceptPatience{15000};
constexpr std::chrono::milliseconds kAcceptPoll{20};

// Removes the throwaway container whatever leaves the scope.
class ThrowawayContainer {
 public:
  ThrowawayContainer(Engine& docker, const std::string& image) : docker_(docker) {
    ContainerSpec spec;
    spec.image = image;
    spec.entrypoint = std::vector<std::string>{"/bin/sh"};  // never started; create needs one
    spec.network = "none";
    spec.labels = {{sidecars::kLabelManagedBy, sidecars::kManagedByValue},
                   {"swarmforge.probe", "shell-check"}};
    id_ = docker_.create_container(spec);
  }
  ~ThrowawayContainer() {
    try {
      docker_.remove_container(id_);
    } catch (const Error&) {
      // doctor finds a leftover by its label; the check's own result is what matters here.
    }
  }
  ThrowawayContainer(const ThrowawayContainer&) = delete;
  ThrowawayContainer& operator=(const ThrowawayContainer&) = delete;
  const std::string& id() const { return id_; }

 private:
  Engine& docker_;
  std::string id_;
};

// Whether the wrapper still waits for its input. `top` of a process that is just exiting fails
// on dockerd ("ttrpc: closed", 500); a container that no longer runs waits for nothing (its
// service took the secrets and ended, or the wrapper gave up: readiness says which).
bool still_awaiting(Engine& docker, const std::string& id) {
  try {
    return awaiting_secrets(docker.process_commands(id));
  } catch (const Error&) {
    const std::optional<ContainerInfo> now = docker.inspect_container(id);
    if (!now || !now->running) return false;
    throw;
  }
}

}  // namespace

std::string shell_single_quote(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string render_secret_lines(const std::vector<std::pair<std::string, std::string>>& env) {
  std::string out;
  for (const auto& [key, value] : env) {
    out += key + "=";
    std::size_t from = 0;
    for (;;) {
      const auto newline = value.find('\n', from);
      out += shell_single_quote(std::string_view(value).substr(from, newline - from));
      if (newline == std::string::npos) break;
      out += "\"$n\"";
      from = newline + 1;
    }
    out += "\n";
  }
  return out + kSecretsEnd + "\n";
}

std::vector<std::string> secret_wrapper_entrypoint() {
  // Builtins only (dash, ash and bash alike), one line so `docker top` shows the marker. The
  // values are evaluated as they arrive but the service starts only after the end line: a cut
  // delivery (or none, after a restart) never starts it. The helper variables are not exported.
  const std::string script =
      std::string(": ") + kAwaitingSecrets +
      "; n=$(printf '\\n.'); n=${n%.}"
      "; while IFS= read -r l; do"
      " if [ \"$l\" = '" +
      kSecretsEnd +
      "' ]; then unset l n; exec \"$@\" </dev/null; fi"
      "; set -a; eval \"$l\"; set +a; done"
      "; echo 'run-anvil: this sidecar did not receive its secrets; not starting it' >&2"
      "; exit 78";
  return {"/bin/sh", "-c", script, "sh"};
}

bool awaiting_secrets(const std::vector<std::string>& process_commands) {
  return std::any_of(process_commands.begin(), process_commands.end(), [](const std::string& c) {
    return c.find(kAwaitingSecrets) != std::string::npos;
  });
}

std::vector<std::string> effective_argv(const sidecars::Definition& definition,
                                        const ImageConfig& image) {
  std::vector<std::string> argv;
  const bool own_entrypoint = definition.entrypoint && !definition.entrypoint->empty();
  if (own_entrypoint) {
    argv = *definition.entrypoint;
    if (definition.command)
      argv.insert(argv.end(), definition.command->begin(), definition.command->end());
  } else {
    // `entrypoint = []` clears the image's; absent keeps it.
    if (!definition.entrypoint) argv = image.entrypoint;
    const auto& cmd =
        definition.command && !definition.command->empty() ? *definition.command : image.cmd;
    argv.insert(argv.end(), cmd.begin(), cmd.end());
  }
  if (argv.empty()) {
    throw Error(definition.file + ": sidecar \"" + definition.name + "\": neither the " +
                "definition nor the image " + definition.image + " says what to run; set " +
                "`command`");
  }
  return argv;
}

bool image_has_shell(Engine& docker, const std::string& image) {
  const ThrowawayContainer probe(docker, image);
  std::optional<PathStat> sh = docker.stat_path(probe.id(), "/bin/sh");
  // The daemon resolves a symlink's target inside the container; a dangling one has no stat.
  if (sh && !sh->link_target.empty()) sh = docker.stat_path(probe.id(), sh->link_target);
  return sh && sh->regular;
}

SecretDelivery SecretDelivery::prepare(Engine& docker, const sidecars::Plan& plan,
                                       const std::vector<sidecars::Definition>& definitions,
                                       SecretResolver& resolver) {
  SecretDelivery delivery;
  std::map<std::string, bool> shell_of_image;
  for (const auto& step : plan.steps) {
    auto d = std::find_if(definitions.begin(), definitions.end(),
                          [&](const sidecars::Definition& x) { return x.name == step.name; });
    if (d == definitions.end() || !d->has_secrets()) continue;
    Payload payload;
    if (step.action == sidecars::Action::Reuse) {
      // Running with its secrets, unless it restarted since: then its wrapper waits for them.
      if (!awaiting_secrets(docker.process_commands(step.existing_id))) continue;
      payload.lines = render_secret_lines(resolver.resolve_env(*d));
    } else {
      // Resolved first: a secret that cannot be had fails before even the shell check's
      // throwaway container is made.
      payload.lines = render_secret_lines(resolver.resolve_env(*d));
      const std::optional<ImageConfig> image = docker.image_config(d->image);
      if (!image) {
        throw Error("sidecar \"" + d->name + "\": image " + d->image + " is not present locally");
      }
      auto known = shell_of_image.find(d->image);
      if (known == shell_of_image.end()) {
        known = shell_of_image.emplace(d->image, image_has_shell(docker, d->image)).first;
      }
      if (!known->second) {
        throw Error(d->file + ": sidecar \"" + d->name + "\" has secrets, but its image " +
                    d->image + " has no /bin/sh, which run-anvil needs to hand secrets to the " +
                    "process without writing them anywhere. Use an image with a shell (e.g. a " +
                    "-debug or non-distroless variant), or pass the value another way");
      }
      payload.argv = effective_argv(*d, *image);
    }
    delivery.payloads_[d->name] = std::move(payload);
  }
  return delivery;
}

void SecretDelivery::adjust_spec(const sidecars::SidecarStep& step, ContainerSpec& spec) const {
  auto it = payloads_.find(step.name);
  if (it == payloads_.end()) return;
  spec.entrypoint = secret_wrapper_entrypoint();
  spec.cmd = it->second.argv;
  spec.open_stdin = true;
}

void SecretDelivery::deliver(Engine& docker, const sidecars::SidecarStep& step,
                             const std::string& id, bool fresh) const {
  auto it = payloads_.find(step.name);
  if (it == payloads_.end()) return;
  const std::string what = "sidecar \"" + step.name + "\": ";
  try {
    // Launchers on this host take turns, so two never write into one wrapper's input at once;
    // whoever comes second finds it no longer waiting.
    const HostLock lock("secrets-" + step.container);
    if (!fresh && !still_awaiting(docker, id)) return;
    docker.attach_stdin(id, it->second.lines);
    const auto deadline = std::chrono::steady_clock::now() + kAcceptPatience;
    while (still_awaiting(docker, id)) {
      if (std::chrono::steady_clock::now() >= deadline) {
        throw Error(what + step.container + " did not take its secrets within " +
                    std::to_string(kAcceptPatience.count() / 1000) + " s; see `docker logs " +
                    step.container + "`");
      }
      std::this_thread::sleep_for(kAcceptPoll);
    }
  } catch (const DockerError& e) {
    throw Error(what + "cannot hand its secrets to " + step.container +
                ": the Docker daemon said: " + e.what());
  }
}

}  // namespace run_anvil::launcher
