#include "run_anvil/sidecars/define/layers.h"

#include <map>
#include <set>
#include <utility>

#include "run_anvil/sidecars/define/definition_file_name.h"
#include "run_anvil/sidecars/define/env_file.h"
#include "run_anvil/sidecars/define/parse.h"

namespace run_anvil::sidecars {
namespace {

constexpr std::string_view kSuffix = ".toml";

// The OS reason from a source's error, without the path the diagnostic already names:
// "cannot read /x/pg.toml: Permission denied" -> "cannot read: Permission denied".
std::string without_path(std::string message, const std::string& path) {
  auto pos = message.find(" " + path);
  if (!path.empty() && pos != std::string::npos) message.erase(pos, path.size() + 1);
  return message;
}

bool trusted(Layer layer) { return layer != Layer::Workspace; }

// The merge state across layers.
class Merge {
 public:
  explicit Merge(Discovery& out) : out_(out) {}

  void add(Definition def) {
    const std::string name = def.name;
    auto protected_by = trusted_file_.find(name);
    const bool shadows_trusted = !trusted(def.layer) && protected_by != trusted_file_.end();
    if (def.disable) {
      const bool removed = active_.erase(name) > 0;
      if (removed) disabled_.insert(name);
      // The untrusted layer switched off a sidecar someone trusted: say so, once, naming who.
      if (removed && shadows_trusted) {
        out_.warnings.push_back(Diagnostic{def.file, def.line_of("disable"),
                                           "the workspace layer disables sidecar \"" + name +
                                               "\" (defined in " + protected_by->second + ")"});
      }
      return;
    }
    if (shadows_trusted) {
      // As the reference launcher does: the trusted definition stays, the launch goes on.
      out_.warnings.push_back(
          Diagnostic{def.file, 0,
                     "ignored: the workspace layer may disable but not redefine sidecar \"" + name +
                         "\"; the trusted definition in " + protected_by->second + " is used"});
      return;
    }
    if (trusted(def.layer)) {
      trusted_file_[name] = def.file;
    }
    disabled_.erase(name);
    active_.insert_or_assign(name, std::move(def));
  }

  void finish() {
    for (auto& [name, def] : active_) out_.definitions.push_back(std::move(def));
    out_.disabled.assign(disabled_.begin(), disabled_.end());
  }

 private:
  Discovery& out_;
  std::map<std::string, Definition> active_;
  std::set<std::string> disabled_;
  // Where a trusted layer last defined a name; a later disable does not lift the protection.
  std::map<std::string, std::string> trusted_file_;
};

// The entry's content, or nullopt with a diagnostic explaining why it is skipped.
std::optional<std::string> load(const DirEntry& entry, const std::string& dir,
                                const std::string& file, DefinitionSource& source,
                                std::vector<Diagnostic>& diagnostics) {
  auto skip = [&](std::string message) {
    diagnostics.push_back(Diagnostic{file, 0, std::move(message)});
    return std::nullopt;
  };
  switch (entry.kind) {
    case DirEntry::Kind::File:
      break;
    case DirEntry::Kind::Directory:
      return skip("is a directory, not a sidecar definition file");
    case DirEntry::Kind::SymlinkOutside:
      return skip("is a symbolic link leading outside " + dir + "; it is not followed");
    case DirEntry::Kind::Other:
      return skip("is not a regular file (or a dangling link)");
  }
  const std::string too_big =
      "is larger than the 1 MiB a sidecar definition may have; it is not read";
  if (entry.size > kMaxDefinitionBytes) return skip(too_big);
  std::string text;
  try {
    text = source.read(file);
  } catch (const Error& e) {
    return skip(without_path(e.what(), file));
  }
  if (text.size() > kMaxDefinitionBytes) return skip(too_big);  // grew since it was listed
  return text;
}

// Reads the definition's env_file entries (relative to its directory) into its env. False, with
// diagnostics, when one cannot be read or holds a bad line: the definition is then not used.
bool load_env_files(Definition& def, const std::string& dir, DefinitionSource& source,
                    std::vector<Diagnostic>& diagnostics) {
  std::vector<std::pair<std::string, std::string>> pairs;
  bool ok = true;
  for (const auto& name : def.service.env_files) {
    std::string path = name.starts_with('/') ? name : (dir.ends_with('/') ? dir : dir + "/") + name;
    std::string text;
    try {
      text = source.read(path);
    } catch (const Error& e) {
      diagnostics.push_back(Diagnostic{def.file, def.line_of("env_file"),
                                       "env_file " + path + ": " + without_path(e.what(), path)});
      ok = false;
      continue;
    }
    if (text.size() > kMaxDefinitionBytes) {
      diagnostics.push_back(Diagnostic{def.file, def.line_of("env_file"),
                                       "env_file " + path + " is larger than 1 MiB"});
      ok = false;
      continue;
    }
    auto problems = parse_env_file_text(text, path, pairs);
    ok = ok && problems.empty();
    diagnostics.insert(diagnostics.end(), problems.begin(), problems.end());
  }
  if (ok) merge_env_files(def, pairs);
  return ok;
}

// `redis.tml` next to definitions is almost certainly meant as one: say so once, never guess.
void warn_near_miss(const std::string& name, const std::string& file, Discovery& out) {
  std::string stem = name.substr(0, name.rfind('.'));
  out.warnings.push_back(Diagnostic{
      file, 0,
      "is not read: only files named <name>.toml are sidecar definitions (rename it to " + stem +
          ".toml to use it)"});
}

void discover_layer(const std::string& dir, Layer layer, DefinitionSource& source, Merge& merge,
                    Discovery& out) {
  std::vector<DirEntry> entries;
  try {
    entries = source.list(dir);
  } catch (const Error& e) {
    out.diagnostics.push_back(Diagnostic{dir, 0, without_path(e.what(), dir)});
    return;
  }
  for (const auto& entry : entries) {
    const std::string file = (dir.ends_with('/') ? dir : dir + "/") + entry.name;
    if (looks_like_definition_file(entry.name)) {
      warn_near_miss(entry.name, file, out);
      continue;
    }
    if (!entry.name.ends_with(kSuffix)) continue;  // the contract says it never happens
    out.any_file = true;
    const std::string name = entry.name.substr(0, entry.name.size() - kSuffix.size());
    if (!valid_dns_name(name, layer == Layer::Workspace)) {
      out.diagnostics.push_back(Diagnostic{
          file, 0,
          layer == Layer::Workspace
              ? "the file name must be <name>.toml with a name matching [A-Za-z0-9][A-Za-z0-9_-]* "
                "(at most 63 characters, no dots: a workspace sidecar's name is a single DNS label)"
              : "the file name must be <name>.toml with a name matching "
                "[A-Za-z0-9][A-Za-z0-9_.-]* (at most 63 characters: it is a DNS name)"});
      continue;
    }
    auto text = load(entry, dir, file, source, out.diagnostics);
    if (!text) continue;
    auto parsed = parse_definition(*text, file, name, layer);
    out.diagnostics.insert(out.diagnostics.end(), parsed.diagnostics.begin(),
                           parsed.diagnostics.end());
    if (parsed.definition && load_env_files(*parsed.definition, dir, source, out.diagnostics)) {
      merge.add(std::move(*parsed.definition));
    }
  }
}

}  // namespace

Discovery discover(const LayerDirs& dirs, DefinitionSource& source) {
  Discovery out;
  Merge merge(out);
  const std::pair<const std::optional<std::string>*, Layer> layers[] = {
      {&dirs.user, Layer::User},
      {&dirs.org, Layer::Org},
      {&dirs.repo, Layer::Repo},
      {&dirs.workspace, Layer::Workspace}};
  for (const auto& [dir, layer] : layers) {
    if (*dir && !(*dir)->empty()) discover_layer(**dir, layer, source, merge, out);
  }
  merge.finish();
  return out;
}

}  // namespace run_anvil::sidecars
