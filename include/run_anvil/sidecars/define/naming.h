#pragma once

#include <string>
#include <string_view>

// Container names, labels and env-variable tokens (SPEC §5, §8, §10).
namespace run_anvil::sidecars {

inline constexpr const char* kLabelName = "swarmforge.tong.name";
inline constexpr const char* kLabelHash = "swarmforge.tong.config-hash";
inline constexpr const char* kLabelLifecycle = "swarmforge.tong.lifecycle";
inline constexpr const char* kLabelManagedBy = "swarmforge.managed-by";
inline constexpr const char* kManagedByValue = "run-anvil";
// Extra labels of ours: the image ID the container was created from (detects an image rebuilt
// under the same tag) and, for session resources, the session they belong to.
inline constexpr const char* kLabelImageId = "swarmforge.tong.image-id";
inline constexpr const char* kLabelSession = "swarmforge.session";
// The absolute path of the definition file a shared container was created from: tells "my
// definition changed" from "another project defines a sidecar of the same name" (issue 4), and
// keeps `doctor` from calling another project's sidecar an orphan.
inline constexpr const char* kLabelDefinition = "swarmforge.tong.definition";
// A throwaway in-network TCP probe container (launcher/probe_container.h); value: the host probed.
inline constexpr const char* kLabelProbe = "swarmforge.probe";
// The DNS names a sidecar answers to on every network it joins (canonical alias, then
// interface.aliases), comma-separated: lets the next launch see who holds which alias from one
// container listing.
inline constexpr const char* kLabelAliases = "swarmforge.tong.aliases";
inline constexpr const char* kDefaultNetwork = "swarmforge-net";
// Session resources (containers, the session network, session volumes) also carry a random
// session id, so one run's teardown never touches another run's resources even when both use
// the same anvil name, and the launcher that owns them (see launcher/launcher_identity.h), so
// the leftovers of a launcher killed with SIGKILL can be told from a live session.
inline constexpr const char* kLabelSessionId = "swarmforge.session.id";
inline constexpr const char* kLabelSessionLauncher = "swarmforge.session.launcher";

// Runs of characters outside [A-Za-z0-9_.-] replaced by one '-'.
std::string container_token(std::string_view name);
// "swarmforge-shared-<token>"
std::string shared_container_name(std::string_view name);
// "<anvil name>-tong-<token>"
std::string session_container_name(std::string_view anvil_name, std::string_view name);
// "swarmforge-session-<anvil name>"
std::string session_network_name(std::string_view anvil_name);
// SPEC §11 `volumes = ["NAME:PATH"]`: "swarmforge-<token>-<NAME>" for a shared sidecar (kept
// until `down --volumes`), "<anvil name>-tong-<token>-<NAME>" for a session sidecar (removed with
// the session).
std::string shared_data_volume_name(std::string_view sidecar, std::string_view volume);
std::string session_data_volume_name(std::string_view anvil_name, std::string_view sidecar,
                                     std::string_view volume);
// "<anvil name>-tong-<token of volume>": a session sidecar's volume lives as long as the session.
std::string session_volume_name(std::string_view anvil_name, std::string_view volume);
// Upper-cased, runs of non-alphanumerics -> '_', leading/trailing '_' trimmed:
// "pg.test-01" -> "PG_TEST_01".
std::string env_token(std::string_view name);
// "SWARMFORGE_TONG_<TOKEN>_<suffix>"
std::string env_name(std::string_view name, std::string_view suffix);

}  // namespace run_anvil::sidecars
