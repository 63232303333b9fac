#include <algorithm>
#include <array>
#include <set>

#include "parse_section.h"
#include "parse_values.h"
#include "run_anvil/sidecars/define/parse.h"

// `volumes`, `stop_signal` and `stop_timeout` of a definition file (SPEC §11, §12).
namespace run_anvil::sidecars {

std::string normalize_path(std::string_view path) {
  const bool absolute = path.starts_with("/");
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string part(path.substr(start, end - start));
    start = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!absolute) {
        parts.push_back(part);  // above a relative start: kept, resolved against the cwd later
      }
      continue;
    }
    parts.push_back(part);
  }
  std::string out = absolute ? "/" : "";
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "/" : "") + parts[i];
  return out.empty() ? "." : out;
}

}  // namespace run_anvil::sidecars

namespace run_anvil::sidecars::detail {
namespace {

constexpr const char* kVolumeForm =
    "\"NAME:PATH[:ro|rw]\" (a managed volume), \"/abs/path:PATH[:ro|rw]\" or "
    "\"./rel/path:PATH[:ro|rw]\" (a bind mount, relative to the definition file's directory)";

std::vector<std::string> split_colons(std::string_view text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    auto end = text.find(':', start);
    parts.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

bool is_relative_bind(std::string_view source) {
  return source == "." || source == ".." || source.starts_with("./") || source.starts_with("../");
}

// "dir/of/file.toml" -> "dir/of"; "file.toml" -> ".".
std::string directory_of(const std::string& file) {
  auto slash = file.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : file.substr(0, slash);
}

// Reports its own errors; nullopt after one.
std::optional<Volume> parse_volume_entry(Section& top, const std::string& entry) {
  auto malformed = [&] {
    top.error_at("volumes", "volumes entry " + quoted(entry) + " must be " + kVolumeForm);
    return std::nullopt;
  };
  auto parts = split_colons(entry);
  if (parts.size() < 2 || parts.size() > 3 || has_control_chars(entry)) return malformed();
  Volume v;
  v.written = entry;
  v.target = parts[1];
  if (parts.size() == 3) {
    if (parts[2] != "ro" && parts[2] != "rw") return malformed();
    v.read_only = parts[2] == "ro";
  }
  const std::string& source = parts[0];
  if (source.starts_with("/")) {
    v.kind = Volume::Kind::Bind;
    v.source = normalize_path(source);
  } else if (is_relative_bind(source)) {
    v.kind = Volume::Kind::Bind;
    v.source = normalize_path(directory_of(top.def().file) + "/" + source);
  } else if (valid_simple_name(source)) {
    v.source = source;
  } else {
    return malformed();
  }
  if (!valid_mountpoint(v.target)) {
    top.error_at("volumes", "volumes entry " + quoted(entry) +
                                ": the container path must be an absolute path other than "
                                "\"/\", without \"..\" or control characters");
    return std::nullopt;
  }
  v.target = normalize_path(v.target);
  return v;
}

// Signal names docker knows (moby/sys/signal, linux), without the "SIG" prefix.
constexpr std::array<std::string_view, 31> kSignals = {
    "ABRT", "ALRM", "BUS",  "CHLD", "CONT", "FPE",  "HUP",  "ILL",    "INT",  "IO",  "IOT",
    "KILL", "PIPE", "POLL", "PROF", "PWR",  "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM",
    "TRAP", "TSTP", "TTIN", "TTOU", "URG",  "USR1", "USR2", "VTALRM", "WINCH"};

// "SIGINT", "int", "INT" -> "SIGINT"; "2" -> "2"; nullopt for anything docker would refuse.
std::optional<std::string> canonical_signal(std::string_view text) {
  if (!text.empty() &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (text.size() > 2) return std::nullopt;
    int n = std::stoi(std::string(text));
    if (n < 1 || n > 64) return std::nullopt;
    return std::string(text);
  }
  std::string upper;
  for (char c : text) upper += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  std::string_view name = upper;
  if (name.starts_with("SIG")) name.remove_prefix(3);
  if (std::find(kSignals.begin(), kSignals.end(), name) == kSignals.end()) return std::nullopt;
  return "SIG" + std::string(name);
}

}  // namespace

void parse_volumes(Section& top) {
  auto entries = top.strings("volumes", "an array of strings like \"data:/var/lib/data\"", false);
  if (!entries) return;
  std::set<std::string> targets;
  std::set<std::string> names;
  for (const auto& entry : *entries) {
    auto volume = parse_volume_entry(top, entry);
    if (!volume) continue;
    if (!targets.insert(volume->target).second) {
      top.error_at("volumes", "volumes mounts two things at " + quoted(volume->target));
      continue;
    }
    if (volume->kind == Volume::Kind::Named && !names.insert(volume->source).second) {
      top.error_at("volumes", "volumes lists the volume " + quoted(volume->source) +
                                  " twice (one volume, one path)");
      continue;
    }
    top.def().volumes.push_back(*volume);
  }
}

// After [interface] and `mounts`: one container path can hold one thing only.
void check_volume_targets(Section& top) {
  const Definition& def = top.def();
  for (const auto& v : def.volumes) {
    const bool workspace = std::any_of(def.mounts.begin(), def.mounts.end(), [](const Mount& m) {
      return m.kind == Mount::Kind::Workspace;
    });
    if ((workspace && v.target == "/workspace") ||
        (def.interface.kind == InterfaceKind::Volume && v.target == def.interface.mountpoint) ||
        (v.target == "/var/run/docker.sock" &&
         std::any_of(def.mounts.begin(), def.mounts.end(),
                     [](const Mount& m) { return m.kind == Mount::Kind::DockerSocket; }))) {
      top.error_at("volumes", "volumes entry " + quoted(v.written) + " mounts at " +
                                  quoted(v.target) +
                                  ", which `mounts` or [interface] already uses");
    }
  }
}

void parse_stop(Section& top) {
  if (auto signal = top.string("stop_signal", "a signal name like \"SIGINT\" or a number")) {
    if (auto canonical = canonical_signal(*signal)) {
      top.def().stop_signal = *canonical;
    } else {
      top.error_at("stop_signal",
                   "stop_signal must be a signal name like \"SIGINT\" or \"SIGQUIT\", or a "
                   "number 1..64");
    }
  }
  if (auto timeout = top.duration("stop_timeout")) {
    // Docker counts whole seconds: round up so a stop never gets less time than asked for.
    top.def().stop_timeout =
        std::chrono::ceil<std::chrono::seconds>(std::chrono::milliseconds(*timeout));
  }
}

}  // namespace run_anvil::sidecars::detail
