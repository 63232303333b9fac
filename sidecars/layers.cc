#include "run_anvil/sidecars/layers.h"

#include <map>
#include <set>
#include <utility>

#include "run_anvil/sidecars/parse.h"

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
    if (def.disable) {
      if (active_.erase(name) > 0) disabled_.insert(name);
      return;
    }
    if (!trusted(def.layer)) {
      auto it = trusted_file_.find(name);
      if (it != trusted_file_.end()) {
        out_.diagnostics.push_back(
            Diagnostic{def.file, 1,
                       "the workspace layer may disable but not redefine \"" + name +
                           "\" (defined in " + it->second + ")"});
        return;
      }
    } else {
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
    if (!entry.name.ends_with(kSuffix)) continue;  // the contract says it never happens
    out.any_file = true;
    const std::string file = (dir.ends_with('/') ? dir : dir + "/") + entry.name;
    const std::string name = entry.name.substr(0, entry.name.size() - kSuffix.size());
    if (!valid_sidecar_name(name)) {
      out.diagnostics.push_back(Diagnostic{file, 0,
                                           "the file name must be <name>.toml with a name matching "
                                           "[A-Za-z0-9][A-Za-z0-9_.-]* (at most 128 characters)"});
      continue;
    }
    auto text = load(entry, dir, file, source, out.diagnostics);
    if (!text) continue;
    auto parsed = parse_definition(*text, file, name, layer);
    out.diagnostics.insert(out.diagnostics.end(), parsed.diagnostics.begin(),
                           parsed.diagnostics.end());
    if (parsed.definition) merge.add(std::move(*parsed.definition));
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
