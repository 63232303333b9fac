#pragma once

#include <string>
#include <vector>

#include "run_anvil/sidecars/define/layers.h"

// The real DefinitionSource: sidecar layer directories on the local file system.
namespace run_anvil::launcher {

class DefinitionFiles : public sidecars::DefinitionSource {
 public:
  // `*.toml` entries directly in `dir`, sorted by name. A missing `dir` yields an empty list at
  // the cost of one failed opendir (this runs on every launch, passthrough included). Throws
  // run_anvil::Error naming `dir` when it exists but cannot be listed (not a directory,
  // permission denied). Regular files and symlinks to regular files inside `dir` are File;
  // a symlink whose target resolves outside `dir` is SymlinkOutside; directories (or links to
  // them inside `dir`) are Directory; anything else, dangling links included, is Other.
  std::vector<sidecars::DirEntry> list(const std::string& dir) override;

  // At most kMaxDefinitionBytes + 1 bytes of `path` (enough for the caller to see it is too
  // big). Throws run_anvil::Error("cannot read <path>: <reason>") when it cannot be opened or
  // read, or is not a regular file (a FIFO would block forever).
  std::string read(const std::string& path) override;
};

}  // namespace run_anvil::launcher
