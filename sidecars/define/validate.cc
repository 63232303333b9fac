#include "run_anvil/sidecars/define/validate.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "run_anvil/sidecars/define/naming.h"

namespace run_anvil::sidecars {
namespace {

std::string fold(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string quote(const std::string& s) { return "\"" + s + "\""; }

// A DNS name one sidecar claims, and which key of its file claims it.
struct Claim {
  std::string value;
  std::string source;  // "name", "interface.name" or "interface.aliases"
};

// Every sidecar claims its own name; network-facing ones also their canonical alias and
// aliases, which become DNS names on the anvil's network where case does not matter.
std::vector<Claim> claims_of(const Definition& def) {
  std::vector<Claim> claims{{def.name, "name"}};
  if (!def.network_facing()) return claims;
  if (def.canonical_alias() != def.name)
    claims.push_back({def.canonical_alias(), "interface.name"});
  for (const auto& alias : def.interface.aliases) claims.push_back({alias, "interface.aliases"});
  return claims;
}

std::string describe(const std::string& source) { return source == "name" ? "its name" : source; }

void check_aliases(const std::vector<Definition>& defs, std::vector<Diagnostic>& out) {
  struct Owner {
    const Definition* def;
    std::string source;
  };
  std::map<std::string, Owner> owners;  // folded name -> first claimant
  for (const auto& def : defs) {
    for (const auto& claim : claims_of(def)) {
      auto [it, inserted] = owners.try_emplace(fold(claim.value), Owner{&def, claim.source});
      const Definition& other = *it->second.def;
      if (inserted || other.name == def.name) continue;
      int line = claim.source == "name" ? 0 : def.line_of(claim.source);
      out.push_back({def.file, line,
                     "sidecar " + quote(def.name) + " claims the network name " +
                         quote(claim.value) + " (" + describe(claim.source) +
                         "), already claimed by sidecar " + quote(other.name) + " (" +
                         describe(it->second.source) + ", " + other.file + ")"});
    }
  }
}

// Two sidecars whose names fold to the same SWARMFORGE_TONG_<TOKEN>_* variables would
// overwrite each other's coordinates in the anvil.
void check_env_tokens(const std::vector<Definition>& defs, std::vector<Diagnostic>& out) {
  std::map<std::string, const Definition*> owners;
  for (const auto& def : defs) {
    if (def.interface.kind == InterfaceKind::None) continue;  // injects nothing
    auto token = env_token(def.name);
    auto [it, inserted] = owners.try_emplace(token, &def);
    if (inserted) continue;
    out.push_back({def.file, 0,
                   "sidecar " + quote(def.name) + " and sidecar " + quote(it->second->name) + " (" +
                       it->second->file + ") would both set SWARMFORGE_TONG_" + token +
                       "_* in the anvil; rename one of them"});
  }
}

void check_depends_on(const std::vector<Definition>& defs, std::vector<Diagnostic>& out) {
  std::set<std::string> names;
  for (const auto& def : defs) names.insert(def.name);
  for (const auto& def : defs) {
    for (const auto& dep : def.depends_on) {
      if (names.count(dep) == 0) {
        out.push_back({def.file, def.line_of("depends_on"),
                       "depends_on names unknown sidecar " + quote(dep)});
      }
    }
  }
}

// A shared sidecar outlives every session and is never on a session's network, so it can neither
// wait for nor reach a session sidecar.
void check_session_dependencies(const std::vector<Definition>& defs, std::vector<Diagnostic>& out) {
  std::set<std::string> session;
  for (const auto& def : defs) {
    if (def.lifecycle == Lifecycle::Session) session.insert(def.name);
  }
  for (const auto& def : defs) {
    if (def.lifecycle != Lifecycle::Shared) continue;
    for (const auto& dep : def.depends_on) {
      if (session.count(dep) == 0) continue;
      out.push_back({def.file, def.line_of("depends_on"),
                     "shared sidecar " + quote(def.name) + " depends on session sidecar " +
                         quote(dep) + ", which lives only as long as one anvil run; make " +
                         quote(def.name) + " a session sidecar too, or drop the dependency"});
    }
  }
}

// Two volume sidecars mounting at the same place in the anvil: docker refuses the run.
void check_mountpoints(const std::vector<Definition>& defs, std::vector<Diagnostic>& out) {
  std::map<std::string, const Definition*> owners;
  for (const auto& def : defs) {
    if (def.interface.kind != InterfaceKind::Volume) continue;
    auto [it, inserted] = owners.try_emplace(def.interface.mountpoint, &def);
    if (inserted) continue;
    out.push_back({def.file, def.line_of("interface.mountpoint"),
                   "interface.mountpoint " + quote(def.interface.mountpoint) +
                       " is already the mountpoint of sidecar " + quote(it->second->name) + " (" +
                       it->second->file + "); both are mounted into the anvil"});
  }
}

// The dependency graph over known names: node i depends on edges[i], sorted for determinism.
struct Graph {
  std::vector<const Definition*> nodes;  // sorted by name
  std::vector<std::vector<std::size_t>> edges;
};

Graph make_graph(const std::vector<Definition>& defs) {
  Graph g;
  for (const auto& def : defs) g.nodes.push_back(&def);
  std::sort(g.nodes.begin(), g.nodes.end(),
            [](const Definition* a, const Definition* b) { return a->name < b->name; });
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) index.emplace(g.nodes[i]->name, i);
  g.edges.resize(g.nodes.size());
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    for (const auto& dep : g.nodes[i]->depends_on) {
      auto it = index.find(dep);
      if (it != index.end()) g.edges[i].push_back(it->second);
    }
    std::sort(g.edges[i].begin(), g.edges[i].end());
  }
  return g;
}

// "a -> b -> a", rotated to start at the smallest name so each cycle prints one way.
std::vector<std::size_t> canonical_cycle(std::vector<std::size_t> cycle) {
  std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
  return cycle;
}

void report_cycle(const Graph& g, const std::vector<std::size_t>& cycle,
                  std::vector<Diagnostic>& out) {
  const Definition& first = *g.nodes[cycle.front()];
  std::string path;
  for (auto node : cycle) path += g.nodes[node]->name + " -> ";
  path += first.name;
  out.push_back({first.file, first.line_of("depends_on"), "dependency cycle: " + path});
}

// Iterative DFS (a hostile workspace could chain thousands of files); each back edge closes
// one cycle, reported once.
void check_cycles(const std::vector<Definition>& defs, std::vector<Diagnostic>& out) {
  Graph g = make_graph(defs);
  enum class Color { White, Gray, Black };
  std::vector<Color> color(g.nodes.size(), Color::White);
  std::set<std::vector<std::size_t>> reported;
  for (std::size_t root = 0; root < g.nodes.size(); ++root) {
    if (color[root] != Color::White) continue;
    std::vector<std::pair<std::size_t, std::size_t>> stack{{root, 0}};  // node, next edge
    color[root] = Color::Gray;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next == g.edges[node].size()) {
        color[node] = Color::Black;
        stack.pop_back();
        continue;
      }
      std::size_t dep = g.edges[node][next++];
      if (color[dep] == Color::White) {
        color[dep] = Color::Gray;
        stack.emplace_back(dep, 0);
      } else if (color[dep] == Color::Gray) {
        std::vector<std::size_t> cycle;
        auto from = std::find_if(stack.begin(), stack.end(),
                                 [dep](const auto& frame) { return frame.first == dep; });
        for (auto it = from; it != stack.end(); ++it) cycle.push_back(it->first);
        cycle = canonical_cycle(std::move(cycle));
        if (reported.insert(cycle).second) report_cycle(g, cycle, out);
      }
    }
  }
}

}  // namespace

std::vector<Diagnostic> validate_set(const std::vector<Definition>& definitions) {
  std::vector<Diagnostic> out;
  check_aliases(definitions, out);
  check_env_tokens(definitions, out);
  check_depends_on(definitions, out);
  check_session_dependencies(definitions, out);
  check_mountpoints(definitions, out);
  check_cycles(definitions, out);
  return out;
}

std::vector<std::string> dependency_order(const std::vector<Definition>& definitions) {
  Graph g = make_graph(definitions);
  std::vector<std::size_t> missing(g.nodes.size());  // unmet dependencies per node
  std::vector<std::vector<std::size_t>> dependents(g.nodes.size());
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    missing[i] = g.edges[i].size();
    for (auto dep : g.edges[i]) dependents[dep].push_back(i);
  }
  // Node indices follow name order, so the smallest index is the smallest ready name.
  std::set<std::size_t> ready;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    if (missing[i] == 0) ready.insert(i);
  }
  std::vector<std::string> order;
  std::vector<bool> placed(g.nodes.size(), false);
  while (!ready.empty()) {
    std::size_t node = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(g.nodes[node]->name);
    placed[node] = true;
    for (auto dependent : dependents[node]) {
      if (--missing[dependent] == 0) ready.insert(dependent);
    }
  }
  // Only reachable when the precondition is broken: keep every name rather than drop some.
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    if (!placed[i]) order.push_back(g.nodes[i]->name);
  }
  return order;
}

}  // namespace run_anvil::sidecars
