// Micro-benchmarks of the pure pipeline every launch runs before its first daemon call:
// discover (read + parse 100 TOML files across two layers) -> validate_set -> config_hash ->
// make_plan. The files come from memory so disk caching does not blur the figures (the real
// source costs one opendir per layer plus one fstatat + read per file on top). Run by
// tests/bench/run.sh; figures only, never pass/fail.
#include <benchmark/benchmark.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "run_anvil/sidecars/define/layers.h"
#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/define/validate.h"
#include "run_anvil/sidecars/plan/anvil_argv.h"
#include "run_anvil/sidecars/plan/config_hash.h"
#include "run_anvil/sidecars/plan/plan.h"

namespace {

using namespace run_anvil::sidecars;

constexpr int kDefinitions = 100;

// Zero-padded so that name order (the order a directory listing is sorted in) is numeric order.
std::string sidecar_name(int i) {
  std::string n = std::to_string(i);
  return "svc-" + std::string(3 - n.size(), '0') + n;
}

// A realistic definition: command, env, resources, aliases, tcp readiness, and (for most) a
// dependency on an earlier sidecar so dependency ordering has real work to do.
std::string definition_text(int i) {
  std::string text = "description = \"service " + std::to_string(i) +
                     "\"\n"
                     "lifecycle = \"shared\"\n"
                     "image = \"bench/" +
                     sidecar_name(i % 7) +
                     ":1\"\n"
                     "command = [\"serve\", \"--port\", \"" +
                     std::to_string(8000 + i) + "\"]\n";
  if (i % 4 != 0) text += "depends_on = [\"" + sidecar_name(i / 2) + "\"]\n";
  text += "\n[interface]\nkind = \"port\"\nport = " + std::to_string(8000 + i) +
          "\naliases = [\"alias-" + std::to_string(i) +
          "\"]\n"
          "\n[readiness]\nmode = \"tcp\"\ntimeout = \"30s\"\n"
          "\n[env]\nLEVEL = \"debug\"\nNAME = \"" +
          sidecar_name(i) +
          "\"\n"
          "\n[resources]\nmemory = \"256m\"\ncpus = \"0.5\"\n";
  return text;
}

// Like fakes/fake_definition_source.h but without its read log, which would grow by a hundred
// strings per iteration and skew the timing.
class MemorySource : public DefinitionSource {
 public:
  void file(const std::string& dir, const std::string& name, const std::string& text) {
    listed_[dir].push_back(DirEntry{name, DirEntry::Kind::File, text.size()});
    texts_[dir + "/" + name] = text;
  }
  std::vector<DirEntry> list(const std::string& dir) override {
    auto it = listed_.find(dir);
    return it == listed_.end() ? std::vector<DirEntry>{} : it->second;
  }
  std::string read(const std::string& path) override { return texts_.at(path); }

 private:
  std::map<std::string, std::vector<DirEntry>> listed_;  // inserted in name order below
  std::map<std::string, std::string> texts_;
};

// Sixty sidecars in the user layer, forty in the repo layer.
struct Fixture {
  MemorySource source;
  LayerDirs dirs{"/user", std::nullopt, "/repo", std::nullopt};

  Fixture() {
    for (int i = 0; i < kDefinitions; ++i) {
      source.file(i < 60 ? "/user" : "/repo", sidecar_name(i) + ".toml", definition_text(i));
    }
  }
};

std::vector<Definition> discovered(Fixture& f) {
  Discovery d = discover(f.dirs, f.source);
  if (!d.diagnostics.empty() || d.definitions.size() != kDefinitions) {
    throw std::runtime_error(
        "benchmark fixture is invalid: " +
        (d.diagnostics.empty() ? std::string("wrong count") : d.diagnostics.front().message));
  }
  return d.definitions;
}

AnvilCommand harness() {
  return parse_anvil_argv({"docker", "run", "--rm", "--network", "agents", "harness:dev", "go"});
}

// The warm case: every sidecar running, attached, labelled with its current hash and image.
ObservedState warm_state(const std::vector<Definition>& defs) {
  ObservedState o;
  o.network_driver = "bridge";
  for (const auto& d : defs) {
    o.image_ids[d.image] = "sha256:" + d.image;
    ObservedContainer c;
    c.id = "id-" + d.name;
    c.name = shared_container_name(d.name);
    c.running = true;
    c.labels = container_labels(d, config_hash(d), "sha256:" + d.image);
    c.network_ips["agents"] = "10.0.0.1";
    o.containers[c.name] = c;
  }
  return o;
}

void BM_Discover(benchmark::State& state) {
  Fixture f;
  for (auto _ : state) benchmark::DoNotOptimize(discover(f.dirs, f.source));
}

void BM_Validate(benchmark::State& state) {
  Fixture f;
  auto defs = discovered(f);
  for (auto _ : state) benchmark::DoNotOptimize(validate_set(defs));
}

void BM_ConfigHash(benchmark::State& state) {
  Fixture f;
  auto defs = discovered(f);
  for (auto _ : state) {
    for (const auto& d : defs) benchmark::DoNotOptimize(config_hash(d));
  }
}

void BM_PlanWarm(benchmark::State& state) {
  Fixture f;
  auto defs = discovered(f);
  auto observed = warm_state(defs);
  auto anvil = harness();
  for (auto _ : state) benchmark::DoNotOptimize(make_plan(defs, observed, anvil));
}

// Everything a warm launch computes: discover + validate + plan (which hashes every definition).
void BM_Pipeline(benchmark::State& state) {
  Fixture f;
  auto observed = warm_state(discovered(f));
  auto anvil = harness();
  for (auto _ : state) {
    Discovery d = discover(f.dirs, f.source);
    benchmark::DoNotOptimize(validate_set(d.definitions));
    benchmark::DoNotOptimize(make_plan(d.definitions, observed, anvil));
  }
}

BENCHMARK(BM_Discover)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Validate)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ConfigHash)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PlanWarm)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Pipeline)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
