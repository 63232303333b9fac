#include "run_anvil/sidecars/define/parse.h"

#include <toml++/toml.h>

#include <algorithm>
#include <limits>
#include <set>

#include "definition_keys.h"
#include "parse_section.h"
#include "parse_values.h"
#include "run_anvil/sidecars/define/image_reference.h"
#include "run_anvil/sidecars/define/toml_nesting.h"
#include "run_anvil/sidecars/text/sha256.h"

// The top level of a definition file and the entry point. Tables are in parse_tables.cc,
// scalar checks in parse_values.cc.
namespace run_anvil::sidecars {
namespace {

using detail::quoted;
using detail::Section;

// `disable = true` turns the file into a tombstone; anything that configures a container would
// be silently ignored, so it is an error instead.
void parse_disabled(Section& top) {
  for (auto&& [key, node] : top.table()) {
    if (key.str() == "disable" || key.str() == "description") continue;
    const auto known = detail::keys_of("");
    if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
      continue;  // already reported as unknown
    }
    top.error(detail::line_of(node),
              "a definition with disable = true may contain only "
              "\"disable\" and \"description\", not " +
                  quoted(key.str()));
  }
  top.def().disable = true;
}

void parse_lifecycle(Section& top) {
  constexpr const char* kMust = "\"shared\" or \"session\"";
  top.require("lifecycle", std::string("lifecycle is required (") + kMust + ")");
  auto value = top.string("lifecycle", kMust);
  if (!value) return;
  if (*value == "shared") {
    top.def().lifecycle = Lifecycle::Shared;
  } else if (*value == "session") {
    top.def().lifecycle = Lifecycle::Session;
  } else {
    top.error_at("lifecycle", std::string("lifecycle must be ") + kMust);
  }
}

void parse_image(Section& top) {
  top.require("image", "image is required");
  auto value = top.string("image", "a string");
  if (!value) return;
  if (value->empty()) {
    top.error_at("image", "image must not be empty");
  } else if (!detail::valid_image(*value)) {
    top.error_at("image",
                 "image must be an image reference without whitespace or control characters, "
                 "not starting with \"-\"");
  } else if (auto problem = image_reference_problem(*value)) {
    top.error_at("image", *problem);
  } else {
    top.def().image = *value;
  }
}

void parse_depends_on(Section& top) {
  auto names = top.strings("depends_on", "an array of sidecar names", false);
  if (!names) return;
  std::set<std::string> seen;
  for (const auto& name : *names) {
    if (!valid_sidecar_name(name)) {
      top.error_at("depends_on", "depends_on: " + quoted(name) + " is not a valid sidecar name");
    } else if (name == top.def().name) {
      top.error_at("depends_on", "depends_on names this sidecar itself (" + quoted(name) + ")");
    } else if (!seen.insert(name).second) {
      top.error_at("depends_on", "depends_on lists " + quoted(name) + " more than once");
    } else {
      top.def().depends_on.push_back(name);
    }
  }
}

void parse_mounts(Section& top) {
  auto entries = top.strings("mounts", "an array of strings like \"workspace:ro\"", false);
  if (!entries) return;
  bool seen[2] = {false, false};
  for (const auto& entry : *entries) {
    auto mount = detail::parse_mount(entry);
    if (!mount) {
      top.error_at("mounts", "mounts entry " + quoted(entry) +
                                 " must be \"workspace[:ro|rw]\" or \"docker-socket[:ro|rw]\"");
      continue;
    }
    bool& kind_seen = seen[static_cast<int>(mount->kind)];
    if (kind_seen) {
      top.error_at("mounts",
                   "mounts lists " + quoted(entry.substr(0, entry.find(':'))) + " more than once");
      continue;
    }
    kind_seen = true;
    top.def().mounts.push_back(*mount);
  }
}

// SPEC §5: a shared container outlives the session, so it must not see one session's workspace.
void check_shared_workspace_mount(Section& top) {
  const Definition& def = top.def();
  if (def.lifecycle != Lifecycle::Shared) return;
  for (const auto& mount : def.mounts) {
    if (mount.kind == Mount::Kind::Workspace) {
      top.error_at("mounts",
                   "a shared sidecar may not mount the workspace (it would leak one session's "
                   "workspace into the next); use lifecycle = \"session\"");
    }
  }
}

void parse_restart(Section& top) {
  constexpr const char* kMust = "one of \"no\", \"always\", \"unless-stopped\", \"on-failure\"";
  auto value = top.string("restart", kMust);
  if (value && *value != "no" && *value != "always" && *value != "unless-stopped" &&
      *value != "on-failure") {
    top.error_at("restart", std::string("restart must be ") + kMust);
    return;
  }
  if (value) {
    top.def().restart = *value;
  } else {
    top.def().restart = top.def().lifecycle == Lifecycle::Shared ? "unless-stopped" : "no";
  }
}

void parse_document(Section& top) {
  top.reject_unknown(detail::keys_of(""));
  if (auto description = top.string("description", "a string")) {
    top.def().description = *description;
  }
  auto disable = top.boolean("disable");
  if (disable && *disable) {
    parse_disabled(top);
    return;
  }

  parse_lifecycle(top);
  parse_image(top);
  top.def().command = top.strings("command", "a non-empty array of strings", true);
  top.def().entrypoint = top.strings("entrypoint", "a non-empty array of strings", true);
  parse_depends_on(top);
  parse_mounts(top);
  check_shared_workspace_mount(top);
  parse_restart(top);
  // SPEC §12 keys, [healthcheck] included, before readiness: its default mode depends on it.
  detail::parse_table_keys(top, "");
  auto before = top.error_count();
  detail::parse_interface(top);
  detail::parse_readiness(top, top.error_count() == before);
  detail::parse_env(top);
  detail::parse_resources(top);
  detail::parse_volumes(top);
  detail::check_volume_targets(top);
  detail::parse_stop(top);
}

// Top to bottom reads best; problems without a line (missing keys) go last.
void sort_by_line(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(
      diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
        auto key = [](int line) { return line > 0 ? line : std::numeric_limits<int>::max(); };
        return key(a.line) < key(b.line);
      });
}

}  // namespace

ParseResult parse_definition(std::string_view text, const std::string& file,
                             const std::string& name, Layer layer) {
  ParseResult result;
  Definition def;
  def.name = name;
  def.layer = layer;
  def.file = file;
  // toml++ recurses per nesting level: a deep enough file would overflow the stack inside it.
  if (auto too_deep = toml_nesting_problem(text, file)) {
    result.diagnostics.push_back(std::move(*too_deep));
    return result;
  }
  def.content_sha256 = sha256_hex(text);
  try {
    toml::table document = toml::parse(text);
    Section top(file, def, result.diagnostics, document, "", 0);
    parse_document(top);
  } catch (const toml::parse_error& e) {
    result.diagnostics.push_back(Diagnostic{file, static_cast<int>(e.source().begin.line),
                                            "invalid TOML: " + std::string(e.description())});
  } catch (const std::exception& e) {
    // Out of memory and the like: a definition file must never take the launcher down.
    result.diagnostics.push_back(Diagnostic{file, 0, std::string("cannot parse: ") + e.what()});
  }
  sort_by_line(result.diagnostics);
  if (result.diagnostics.empty()) result.definition = std::move(def);
  return result;
}

}  // namespace run_anvil::sidecars
