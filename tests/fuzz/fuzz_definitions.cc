// libFuzzer target over everything a hostile repository's definitions reach before any daemon
// call: discovery + parse of every layer, the cross-file rules, the plan (for every validated
// definition, kinds the launcher refuses included), the config hash and the privilege summary
// shown at the trust prompt. Bad input must end as diagnostics or a
// run_anvil::Error; anything else (a crash, another exception, a sanitizer report, a hang, runaway
// memory) is a bug.
//
// Input format, so one input can be a plain .toml file or several files: NUL-separated chunks,
// at most 8; chunk i is the file kSlots[i] (layer directory and file name). The slots make
// overrides across layers, a workspace redefining a trusted sidecar, env-token collisions and a
// refused file name reachable.
//
// Build: cmake -DRUN_ANVIL_FUZZ=ON -DRUN_ANVIL_TESTS=OFF -DCMAKE_CXX_COMPILER=clang++ ...
// Seeds: tests/fuzz/corpus/ (plain .toml files, and *.multi files with NUL separators).
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "fake_definition_source.h"
#include "run_anvil/errors.h"
#include "run_anvil/launcher/approvals.h"
#include "run_anvil/sidecars/anvil_argv.h"
#include "run_anvil/sidecars/config_hash.h"
#include "run_anvil/sidecars/layers.h"
#include "run_anvil/sidecars/parse.h"
#include "run_anvil/sidecars/plan.h"
#include "run_anvil/sidecars/validate.h"

namespace {

using namespace run_anvil;

struct Slot {
  const char* dir;
  const char* file;
};
constexpr Slot kSlots[] = {
    {"/repo", "pg.toml"}, {"/repo", "db.toml"}, {"/repo", "cache.toml"},  {"/ws", "web.toml"},
    {"/user", "pg.toml"}, {"/ws", "pg.toml"},   {"/org", "pg.test.toml"}, {"/repo", "a b.toml"},
};
constexpr std::size_t kMaxFiles = std::size(kSlots);

std::vector<std::string_view> split(std::string_view data) {
  std::vector<std::string_view> chunks;
  while (chunks.size() < kMaxFiles) {
    const auto nul = data.find('\0');
    chunks.push_back(data.substr(0, nul));
    if (nul == std::string_view::npos) break;
    data.remove_prefix(nul + 1);
  }
  return chunks;
}

sidecars::ObservedState everything_present(const std::vector<sidecars::Definition>& defs) {
  sidecars::ObservedState observed;
  for (const auto& d : defs) observed.image_ids[d.image] = "sha256:" + d.name;
  observed.network_driver = "bridge";
  return observed;
}

// The launcher's path up to the first daemon call, with every step's Error an allowed outcome.
void launch_until_the_daemon(const sidecars::Discovery& discovery) {
  for (const auto& d : discovery.diagnostics) (void)d.str();
  std::vector<Diagnostic> problems = discovery.diagnostics;
  if (problems.empty()) problems = sidecars::validate_set(discovery.definitions);
  for (const auto& d : problems) (void)d.str();
  if (!problems.empty()) return;
  for (const auto& d : discovery.definitions) {
    (void)sidecars::config_hash(d);
    (void)launcher::privilege_summary(d, "/ws");
  }
  const auto anvil = sidecars::parse_anvil_argv({"docker", "run", "--rm", "harness"});
  try {
    const sidecars::Plan plan = sidecars::make_plan(
        discovery.definitions, everything_present(discovery.definitions), anvil);
    (void)plan.anvil_argv.size();
  } catch (const Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string_view data(reinterpret_cast<const char*>(bytes), size);
  (void)sidecars::parse_duration(data.substr(0, 64));

  fakes::FakeDefinitionSource source;
  const std::vector<std::string_view> chunks = split(data);
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    source.file(kSlots[i].dir, kSlots[i].file, std::string(chunks[i]));
  }
  sidecars::LayerDirs dirs{"/user", "/org", "/repo", "/ws"};
  launch_until_the_daemon(sidecars::discover(dirs, source));
  return 0;
}
