#pragma once

#include <map>
#include <string>

#include "run_anvil/sidecars/define/definition.h"

// Whose container is it? (SPEC §14) Every managed container records where its definition came
// from: the file's absolute path (swarmforge.tong.definition), the definition's identity
// (swarmforge.tong.definition-id: layer + name + the file's bytes, which survives moving or
// renaming the project's directory) and the vantage the path was recorded from
// (swarmforge.tong.definition-seen: host, boot and mount namespace, because a path only means
// something where it was seen). `down`, `doctor --fix`, `status` probes and launches from the
// untrusted workspace layer act only on what this says is theirs, or provably gone.
namespace run_anvil::sidecars {

inline constexpr const char* kLabelDefinitionId = "swarmforge.tong.definition-id";
inline constexpr const char* kLabelDefinitionSeen = "swarmforge.tong.definition-seen";

// What the file system says about a recorded definition path, from this process.
enum class PathState {
  Exists,      // something is there (it may be another project's file)
  Missing,     // ENOENT / ENOTDIR: nothing is there
  Unreadable,  // anything else (EACCES, ELOOP, EIO, ...): cannot tell, which is never "gone"
};

enum class Origin {
  Ours,     // made from this definition: same file, or the same identity (a moved project)
  Gone,     // its definition file provably no longer exists (same vantage, nothing there)
  Foreign,  // made from another definition that still exists (another project)
  Unknown,  // cannot tell: no label, unreadable path, or recorded from another vantage
};
const char* to_string(Origin);
// Ours or Gone: a container that `down` and `doctor --fix` may remove.
inline bool may_remove(Origin o) { return o == Origin::Ours || o == Origin::Gone; }

// A definition as the ownership rules compare it.
struct DefinitionRef {
  std::string path;      // absolute, normalized path of its file
  std::string identity;  // definition_identity()
};

// What the launcher found out, for the pure judgement: the state of every recorded path it
// looked at, and this process's own vantage.
struct OriginFacts {
  std::map<std::string, PathState> paths;
  std::string vantage;
};

// sha256 over layer, name and the file's bytes (Definition::content_sha256), lower hex. The same
// file content in the same layer under the same name is the same definition wherever the
// directory lives. "" for a definition not read from a file (it matches nothing).
std::string definition_identity(const Definition& definition);

// Judges a container by its labels against `mine` (nullptr: this project has no definition of
// that name) and the facts. A path not in `facts.paths` counts as Unreadable.
Origin judge_origin(const std::map<std::string, std::string>& labels, const DefinitionRef* mine,
                    const OriginFacts& facts);

}  // namespace run_anvil::sidecars
