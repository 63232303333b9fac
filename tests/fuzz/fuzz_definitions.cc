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
// Deep nesting (issue 13): every input also drives a generator of deeply nested TOML (dotted
// keys, table headers, inline tables, arrays, mixed), its kind and depth (up to 65 535 levels)
// taken from the input's first bytes, so the stack-overflow class of inputs is reached at once,
// not only when the mutator happens to build 40 000 levels itself.
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
#include "run_anvil/sidecars/define/layers.h"
#include "run_anvil/sidecars/define/parse.h"
#include "run_anvil/sidecars/define/privilege_summary.h"
#include "run_anvil/sidecars/define/validate.h"
#include "run_anvil/sidecars/plan/anvil_argv.h"
#include "run_anvil/sidecars/plan/config_hash.h"
#include "run_anvil/sidecars/plan/plan.h"

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

// Deeply nested TOML from a recipe: byte 0 picks the kind, bytes 1-2 the depth, the rest is
// appended (so the mutator can close, break or extend the nesting).
std::string deep_nesting(std::string_view recipe) {
  const auto byte = [&](std::size_t i) {
    return i < recipe.size() ? static_cast<unsigned char>(recipe[i]) : 0u;
  };
  const int kind = static_cast<int>(byte(0) % 6);
  const std::size_t depth = (byte(1) << 8) | byte(2);
  const std::string_view tail = recipe.size() > 3 ? recipe.substr(3) : std::string_view();
  std::string out = "lifecycle = \"shared\"\n";
  const auto repeat = [&](std::string_view piece, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out += piece;
  };
  switch (kind) {
    case 0:
      repeat("a.", depth);
      out += "a = 1\n";
      break;
    case 1:
      out += "[";
      repeat("t.", depth);
      out += "t]\nx = 1\n";
      break;
    case 2:
      out += "x = ";
      repeat("{a = ", depth);
      out += "1";
      repeat("}", depth);
      break;
    case 3:
      out += "x = ";
      repeat("[", depth);
      repeat("]", depth);
      break;
    case 4:
      out += "x = ";
      repeat("[{a = ", depth);
      out += "1";
      repeat("}]", depth);
      break;
    default:
      out += "[a.b]\nc.d = ";
      repeat("{e.f = [", depth / 2);
      break;
  }
  out += tail;
  return out;
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

  fakes::FakeDefinitionSource deep;
  deep.file("/repo", "deep.toml", deep_nesting(data.substr(0, 4096)));
  launch_until_the_daemon(sidecars::discover(dirs, deep));
  return 0;
}
