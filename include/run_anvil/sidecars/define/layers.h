#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "run_anvil/errors.h"
#include "run_anvil/sidecars/define/definition.h"

// Discovery of `<layer dir>/<name>.toml` across the four layers and their merge (SPEC §4).
namespace run_anvil::sidecars {

// One directory entry as seen by a DefinitionSource.
struct DirEntry {
  enum class Kind { File, Directory, SymlinkOutside, Other };
  std::string name;  // file name only, e.g. "pg.toml"
  Kind kind = Kind::File;
  std::uintmax_t size = 0;
};

// The file-system seam discovery reads through. The real one is launcher/definition_files.h;
// tests use an in-memory fake.
class DefinitionSource {
 public:
  virtual ~DefinitionSource() = default;
  // Entries directly inside `dir` whose name ends in ".toml" or that look_like_definition_file()
  // (definition_file_name.h), sorted by name. A missing
  // directory yields an empty list. A symlink resolving outside `dir` is SymlinkOutside.
  virtual std::vector<DirEntry> list(const std::string& dir) = 0;
  // The whole content of a file. Throws run_anvil::Error (message names the path and the OS
  // reason) when it cannot be read.
  virtual std::string read(const std::string& path) = 0;
};

struct LayerDirs {
  std::optional<std::string> user, org, repo, workspace;
};

struct Discovery {
  // Enabled definitions after the merge, sorted by name.
  std::vector<Definition> definitions;
  // Names disabled by a higher layer, for status/plan reporting.
  std::vector<std::string> disabled;
  // Every problem in every file (parse errors, bad file names, workspace redefining a trusted
  // sidecar, unreadable or oversized files, non-file entries). Discovery continues past them so
  // `validate` can report them all.
  std::vector<Diagnostic> diagnostics;
  // What the user should hear about but that does not stop anything, one entry each, shown
  // whatever the command; they never make the set invalid: files that look like definitions but
  // are not read (`redis.tml`), a workspace file redefining a trusted sidecar (ignored; the
  // trusted one is used) or disabling one (SPEC §4, §14).
  std::vector<Diagnostic> warnings;
  // True when at least one *.toml file was seen in any layer (even if it was disabled/invalid).
  bool any_file = false;
};

inline constexpr std::uintmax_t kMaxDefinitionBytes = 1 << 20;  // 1 MiB

// Reads the layers lowest to highest precedence: user, org, repo, workspace. A higher layer's
// definition of a name replaces a lower one wholesale; `disable = true` removes it. A workspace
// file may disable but never redefine a sidecar defined by a trusted layer: a redefinition is
// ignored (the trusted definition stays), and both a redefinition and a disable are warnings.
Discovery discover(const LayerDirs& dirs, DefinitionSource& source);

}  // namespace run_anvil::sidecars
