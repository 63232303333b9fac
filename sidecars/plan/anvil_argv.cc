#include "run_anvil/sidecars/plan/anvil_argv.h"

#include <algorithm>
#include <string_view>

#include "run_anvil/errors.h"
#include "run_options.h"

namespace run_anvil::sidecars {
namespace {

using run_options::Engine;
using run_options::Scope;

std::optional<Engine> engine_of(std::string_view program) {
  const auto slash = program.rfind('/');
  const std::string_view base =
      slash == std::string_view::npos ? program : program.substr(slash + 1);
  if (base == "docker") return Engine::Docker;
  if (base == "podman") return Engine::Podman;
  return std::nullopt;
}

const char* engine_word(Engine engine) { return engine == Engine::Docker ? "docker" : "podman"; }

// An option token: starts with '-' and is more than "-" alone (a lone "-" is a positional, as
// in pflag). "--" is handled by the callers because it ends options.
bool is_option(std::string_view token) { return token.size() > 1 && token[0] == '-'; }

// Tokens taken by the short cluster at argv[i] ("-it", "-itp", "80:80", "-eFOO=1", "-d=false"):
// the first letter that takes a value owns the rest of the cluster, or the next token when the
// cluster ends with it. pflag's "-x=value" gives the letter the text after '='.
std::size_t short_cluster_width(const std::vector<std::string>& argv, std::size_t i, Engine engine,
                                Scope scope) {
  const std::string_view token = argv[i];
  for (std::size_t k = 1; k < token.size(); ++k) {
    const bool has_rest = k + 1 < token.size();
    if (has_rest && token[k + 1] == '=') return 1;
    if (run_options::short_takes_value(engine, scope, token[k])) return has_rest ? 1 : 2;
  }
  return 1;
}

struct LongOption {
  std::string_view name;  // without dashes or "=value"
  bool inline_value = false;
  std::string_view value;  // only when inline
};

LongOption split_long(std::string_view token) {
  const std::string_view body = token.substr(2);
  const auto eq = body.find('=');
  if (eq == std::string_view::npos) return {body, false, {}};
  return {body.substr(0, eq), true, body.substr(eq + 1)};
}

// Tokens taken by the option at argv[i] (1 or 2). May point past the end when a value option
// is the last token; callers then find no image / no subcommand.
std::size_t option_width(const std::vector<std::string>& argv, std::size_t i, Engine engine,
                         Scope scope) {
  const std::string_view token = argv[i];
  if (token.rfind("--", 0) != 0) return short_cluster_width(argv, i, engine, scope);
  const LongOption option = split_long(token);
  return !option.inline_value && run_options::long_takes_value(engine, scope, option.name) ? 2 : 1;
}

// Index of the "run" token when, after the engine's global options, argv continues with
// `run ...` or `container run ...`.
// True when a global option at argv[i] picks the daemon: the anvil would run somewhere the
// sidecars are not (SPEC §16).
bool picks_daemon(std::string_view token, Engine engine) {
  if (token.rfind("--", 0) == 0) {
    const std::string_view name = split_long(token).name;
    if (engine == Engine::Docker) return name == "host" || name == "context";
    return name == "url" || name == "connection" || name == "remote";
  }
  // A short cluster: its letters up to the first one that takes a value.
  for (std::size_t k = 1; k < token.size() && token[k] != '='; ++k) {
    const char letter = token[k];
    if (engine == Engine::Docker && (letter == 'H' || letter == 'c')) return true;
    if (engine == Engine::Podman && (letter == 'c' || letter == 'r')) return true;
    if (run_options::short_takes_value(engine, Scope::Global, letter)) return false;
  }
  return false;
}

std::optional<std::size_t> find_run(const std::vector<std::string>& argv, Engine engine,
                                    std::string& other_daemon_option) {
  std::size_t i = 1;
  while (i < argv.size() && argv[i] != "--" && is_option(argv[i])) {
    const std::size_t width = option_width(argv, i, engine, Scope::Global);
    if (other_daemon_option.empty() && picks_daemon(argv[i], engine)) {
      other_daemon_option = argv[i];
      if (width == 2 && i + 1 < argv.size()) other_daemon_option += " " + argv[i + 1];
    }
    i += width;
  }
  if (i < argv.size() && argv[i] == "container") ++i;
  if (i < argv.size() && argv[i] == "run") return i;
  return std::nullopt;
}

// Records --network/--net and --name. Docker >= 25 accepts several --network flags: the first
// is recorded (and is the one replaced), later ones are left as written. For --name the last
// wins, as in pflag.
void record_option(AnvilCommand& command, std::size_t i) {
  const std::string_view token = command.argv[i];
  if (token.rfind("--", 0) != 0) return;
  const LongOption option = split_long(token);
  if (option.name == "rm") {
    command.remove = !option.inline_value || option.value != "false";
    return;
  }
  const bool has_value = option.inline_value || i + 1 < command.argv.size();
  if (!has_value) return;
  const std::string value = option.inline_value ? std::string(option.value) : command.argv[i + 1];
  if ((option.name == "network" || option.name == "net") && !command.network_index) {
    command.network = value;
    command.network_index = i;
    command.network_inline = option.inline_value;
  } else if (option.name == "name") {
    command.name = value;
  } else if (option.name == "network-alias" || option.name == "net-alias") {
    command.network_aliases.push_back(value);
  } else if (option.name == "dns") {
    command.dns = true;
  }
}

// Walks run's own options; returns the image index or argv.size() when there is no image.
std::size_t scan_run_options(AnvilCommand& command, Engine engine) {
  const auto& argv = command.argv;
  std::size_t i = command.run_index + 1;
  while (i < argv.size()) {
    if (argv[i] == "--") return i + 1;
    if (!is_option(argv[i])) return i;
    record_option(command, i);
    i += option_width(argv, i, engine, Scope::Run);
  }
  return argv.size();
}

// The network token(s) of argv[index] rewritten to carry `network`, keeping the user's spelling.
std::string replaced_network_token(const AnvilCommand& command, std::size_t index,
                                   const std::string& network) {
  const std::string& token = command.argv[index];
  if (command.network_inline && index == *command.network_index) {
    return token.substr(0, token.find('=') + 1) + network;
  }
  if (!command.network_inline && index == *command.network_index + 1) return network;
  return token;
}

// The tokens that go right after `run`: sorted -e flags, extra options, and --network when the
// anvil did not choose one (otherwise it is replaced in place).
void append_injected(std::vector<std::string>& out, const Injection& injection,
                     bool insert_network) {
  auto env = injection.env;
  std::stable_sort(env.begin(), env.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [key, value] : env) {
    out.emplace_back("-e");
    out.push_back(key);
    out.back().append("=").append(value);
  }
  out.insert(out.end(), injection.extra_options.begin(), injection.extra_options.end());
  if (injection.name) {
    out.emplace_back("--name");
    out.push_back(*injection.name);
  }
  if (injection.network && insert_network) {
    out.emplace_back("--network");
    out.push_back(*injection.network);
  }
}

}  // namespace

AnvilCommand parse_anvil_argv(const std::vector<std::string>& argv) {
  AnvilCommand command;
  command.argv = argv;
  if (argv.empty()) return command;
  const std::optional<Engine> engine = engine_of(argv[0]);
  if (!engine) return command;
  command.podman = *engine == Engine::Podman;
  const std::optional<std::size_t> run_index = find_run(argv, *engine, command.other_daemon_option);
  if (!run_index) return command;

  command.is_run = true;
  command.run_index = *run_index;
  command.image_index = scan_run_options(command, *engine);
  if (command.image_index >= argv.size()) {
    throw Error(std::string("the anvil command `") + engine_word(*engine) + " run` has no image");
  }
  return command;
}

std::vector<std::string> rewrite_anvil_argv(const AnvilCommand& command,
                                            const Injection& injection) {
  if (!command.is_run) {
    throw Error(
        "sidecars need the anvil command to be `docker run`, `docker container run` or "
        "`podman run`");
  }
  const auto& argv = command.argv;
  std::vector<std::string> out;
  out.reserve(argv.size() + 2 * injection.env.size() + injection.extra_options.size() + 4);
  for (std::size_t i = 0; i <= command.run_index; ++i) out.push_back(argv[i]);
  append_injected(out, injection, !command.network_index.has_value());
  for (std::size_t i = command.run_index + 1; i < command.image_index; ++i) {
    out.push_back(injection.network && command.network_index
                      ? replaced_network_token(command, i, *injection.network)
                      : argv[i]);
  }
  // From the image on, the argv belongs to the anvil: copied byte for byte.
  for (std::size_t i = command.image_index; i < argv.size(); ++i) out.push_back(argv[i]);
  return out;
}

}  // namespace run_anvil::sidecars
