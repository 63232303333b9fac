#include "run_anvil/launcher/secret_delivery.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "run_anvil/errors.h"

namespace run_anvil::launcher {
namespace {

constexpr std::size_t kBlock = 512;

// Writes `value` as a NUL-terminated octal field of `width` bytes at `at`.
void octal(std::string& header, std::size_t at, std::size_t width, unsigned long long value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%0*llo", static_cast<int>(width - 1), value);
  std::memcpy(&header[at], buffer, width - 1);
  header[at + width - 1] = '\0';
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

unsigned to_id(std::string_view digits) {
  unsigned long value = 0;
  for (char c : digits) {
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > 0x7fffffffUL) return 0x7fffffffU;
  }
  return static_cast<unsigned>(value);
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

std::string render_env_file(const std::vector<std::pair<std::string, std::string>>& env) {
  std::string out;
  for (const auto& [key, value] : env) out += key + "=" + shell_single_quote(value) + "\n";
  return out;
}

std::string ustar_single_file(const std::string& name, std::string_view content, unsigned mode,
                              unsigned uid, unsigned gid) {
  if (name.empty() || name.size() > 99) throw Error("internal: tar member name too long: " + name);
  std::string header(kBlock, '\0');
  std::memcpy(&header[0], name.data(), name.size());
  octal(header, 100, 8, mode);
  octal(header, 108, 8, uid);
  octal(header, 116, 8, gid);
  octal(header, 124, 12, content.size());
  octal(header, 136, 12, 0);              // mtime: fixed, so the archive depends only on its inputs
  header[156] = '0';                      // regular file
  std::memcpy(&header[257], "ustar", 6);  // magic "ustar\0"
  header[263] = '0';
  header[264] = '0';
  std::memcpy(&header[265], "root", 4);
  std::memcpy(&header[297], "root", 4);
  // The checksum is computed with its own field as eight spaces.
  std::memset(&header[148], ' ', 8);
  unsigned long sum = 0;
  for (unsigned char c : header) sum += c;
  char checksum[8];
  std::snprintf(checksum, sizeof checksum, "%06lo", sum);
  std::memcpy(&header[148], checksum, 7);  // six digits, NUL, and the space that stays
  std::string out = header;
  out.append(content.data(), content.size());
  out.append((kBlock - content.size() % kBlock) % kBlock, '\0');
  out.append(2 * kBlock, '\0');  // end of archive
  return out;
}

std::vector<std::string> secret_wrapper_entrypoint() {
  return {"/bin/sh", "-c", std::string("set -a; . ") + kSecretsFile + "; set +a; exec \"$@\"",
          "sh"};
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

SecretFileOwner secret_file_owner(const std::string& user) {
  const auto colon = user.find(':');
  const std::string_view name = std::string_view(user).substr(0, colon);
  const std::string_view group =
      colon == std::string::npos ? std::string_view() : std::string_view(user).substr(colon + 1);
  SecretFileOwner owner;
  if (name.empty() || name == "root") return owner;
  if (!all_digits(name)) {
    owner.mode = 0444;
    return owner;
  }
  owner.uid = to_id(name);
  if (all_digits(group)) owner.gid = to_id(group);
  return owner;
}

SecretDelivery SecretDelivery::prepare(DockerCLI& docker, const sidecars::Plan& plan,
                                       const std::vector<sidecars::Definition>& definitions,
                                       SecretResolver& resolver) {
  SecretDelivery delivery;
  for (const auto& step : plan.steps) {
    if (step.action == sidecars::Action::Reuse) continue;
    auto d = std::find_if(definitions.begin(), definitions.end(),
                          [&](const sidecars::Definition& x) { return x.name == step.name; });
    if (d == definitions.end() || !d->has_secrets()) continue;
    const auto env = resolver.resolve_env(*d);
    const std::optional<ImageConfig> image = docker.image_config(d->image);
    if (!image) {
      throw Error("sidecar \"" + d->name + "\": image " + d->image + " is not present locally");
    }
    const SecretFileOwner owner = secret_file_owner(image->user);
    Payload payload;
    payload.argv = effective_argv(*d, *image);
    // The archive member is relative: extracted at "/", missing parents are created 0755.
    payload.archive = ustar_single_file(std::string(kSecretsFile).substr(1), render_env_file(env),
                                        owner.mode, owner.uid, owner.gid);
    delivery.payloads_[d->name] = std::move(payload);
  }
  return delivery;
}

void SecretDelivery::adjust_spec(const sidecars::SidecarStep& step, ContainerSpec& spec) const {
  auto it = payloads_.find(step.name);
  if (it == payloads_.end()) return;
  spec.entrypoint = secret_wrapper_entrypoint();
  spec.cmd = it->second.argv;
}

void SecretDelivery::upload(DockerCLI& docker, const sidecars::SidecarStep& step,
                            const std::string& id) const {
  auto it = payloads_.find(step.name);
  if (it == payloads_.end()) return;
  try {
    docker.put_archive(id, "/", it->second.archive);
  } catch (const DockerError& e) {
    throw Error("sidecar \"" + step.name + "\": cannot put its secrets into " + step.container +
                ": the Docker daemon said: " + e.what());
  }
}

}  // namespace run_anvil::launcher
