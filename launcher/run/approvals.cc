#include "run_anvil/launcher/run/approvals.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <set>

#include "run_anvil/errors.h"
#include "run_anvil/sidecars/plan/config_hash.h"

namespace run_anvil::launcher {
namespace {

using sidecars::Definition;

// One workspace-layer definition that is not approved as it stands.
struct Pending {
  const Definition* definition;
  std::string hash;
  std::string summary;  // what the user is shown, and what a yes records
  // The latest approved version, when there is one. A copy: recording reshuffles the store.
  std::optional<Approval> previous;
};

// The same directory must give the same key however it was spelled (relative, `..`, symlinks).
std::string workspace_key(const std::string& workspace) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(workspace), ec);
  if (ec) p = fs::absolute(workspace).lexically_normal();
  return p.string();
}

std::string now_rfc3339() {
  std::time_t t = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

std::string describe(const Pending& p) {
  std::string out = "\"" + p.definition->name + "\" (" + p.definition->file;
  if (p.previous) out += "; changed since it was approved";
  return out + ")";
}

std::string names_of(const std::vector<Pending>& pending) {
  std::string names;
  for (const auto& p : pending) names += (names.empty() ? "" : ", ") + describe(p);
  return names;
}

// Names every unapproved sidecar, why nobody was asked, how to approve, and what scripts do.
[[noreturn]] void refuse(const std::vector<Pending>& pending, const std::string& why) {
  bool many = pending.size() > 1;
  throw Error(std::string("workspace sidecar") + (many ? "s " : " ") + names_of(pending) +
              (many ? " are" : " is") + " not approved and " + why +
              ". The workspace layer is untrusted: its sidecars start only after you approve "
              "them. Run run-anvil once on a terminal without --no-prompt to review and approve " +
              (many ? "them" : "it") +
              "; for scripts and CI, put definitions you trust in a trusted layer instead "
              "(--repo-sidecars DIR, --org-sidecars DIR or --user-sidecars DIR), which needs no "
              "approval.");
}

bool is_yes(std::string answer) {
  auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  answer.erase(answer.begin(), std::find_if_not(answer.begin(), answer.end(), space));
  answer.erase(std::find_if_not(answer.rbegin(), answer.rend(), space).base(), answer.end());
  std::transform(answer.begin(), answer.end(), answer.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return answer == "y" || answer == "yes";
}

// One sidecar's part of the prompt: its summary, or what changed since it was approved.
std::string section_for(const Pending& p) {
  if (!p.previous) return "\n" + p.summary;
  std::string out = "\nSidecar \"" + p.definition->name + "\" CHANGED since you approved it on " +
                    p.previous->approved_at;
  if (p.previous->summary.empty()) {
    // Approved by a store that did not keep the text: show it all.
    return out + " (the approved version was not kept, so here is all of it):\n" + p.summary;
  }
  return out + " (- approved, + now):\n" + line_diff(p.previous->summary, p.summary);
}

std::string prompt_for(const std::vector<Pending>& pending) {
  std::string out;
  for (const auto& p : pending) out += section_for(p);
  if (pending.size() == 1) {
    return out + "Start sidecar \"" + pending.front().definition->name +
           "\" from the workspace layer? [y/N] ";
  }
  std::string names;
  for (const auto& p : pending) names += (names.empty() ? "" : ", ") + p.definition->name;
  return out + "Start these " + std::to_string(pending.size()) +
         " sidecars from the workspace layer (" + names + ")? [y/N] ";
}

// The longest common subsequence table of two line lists, for line_diff.
std::vector<std::vector<int>> lcs(const std::vector<std::string>& a,
                                  const std::vector<std::string>& b) {
  std::vector<std::vector<int>> t(a.size() + 1, std::vector<int>(b.size() + 1, 0));
  for (std::size_t i = a.size(); i-- > 0;) {
    for (std::size_t j = b.size(); j-- > 0;) {
      t[i][j] = a[i] == b[j] ? t[i + 1][j + 1] + 1 : std::max(t[i + 1][j], t[i][j + 1]);
    }
  }
  return t;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

}  // namespace

std::string approval_hash(const Definition& definition) {
  // Definitions read from a file always carry their content hash; one made in code (tests)
  // falls back to the config hash rather than approving everything under "".
  return definition.content_sha256.empty() ? sidecars::config_hash(definition)
                                           : definition.content_sha256;
}

std::string line_diff(const std::string& before, const std::string& after) {
  auto a = lines_of(before), b = lines_of(after);
  auto t = lcs(a, b);
  std::string out;
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      out += "  " + b[j++] + "\n";
      ++i;
    } else if (i < a.size() && (j == b.size() || t[i + 1][j] >= t[i][j + 1])) {
      out += "- " + a[i++] + "\n";
    } else {
      out += "+ " + b[j++] + "\n";
    }
  }
  return out;
}

std::vector<PendingApproval> pending_approvals(const std::vector<Definition>& definitions,
                                               const ApprovalRequest& request) {
  std::vector<PendingApproval> out;
  std::optional<ApprovalStore> store;
  const std::string workspace = workspace_key(request.workspace);
  for (const auto& d : definitions) {
    if (d.layer != sidecars::Layer::Workspace || d.disable) continue;
    if (!store) {
      try {
        store = ApprovalStore::load(request.store_path);
      } catch (const Error&) {
        store = ApprovalStore::load("");  // unreadable: as if empty (the run reports it)
      }
    }
    if (store->approves(workspace, d.name, approval_hash(d))) continue;
    const Approval* earlier = store->find(workspace, d.name);
    out.push_back({d.name, d.file, earlier ? earlier->approved_at : ""});
  }
  return out;
}

namespace {

std::vector<const Definition*> untrusted_of(const std::vector<Definition>& definitions) {
  std::vector<const Definition*> untrusted;
  for (const auto& d : definitions) {
    // `disable = true` only removes a sidecar; the workspace layer may do that unasked.
    if (d.layer == sidecars::Layer::Workspace && !d.disable) untrusted.push_back(&d);
  }
  return untrusted;
}

std::vector<Pending> pending_of(const std::vector<const Definition*>& untrusted,
                                const ApprovalStore& store, const std::string& workspace) {
  std::vector<Pending> pending;
  for (const Definition* d : untrusted) {
    std::string hash = approval_hash(*d);
    if (store.approves(workspace, d->name, hash)) continue;
    const Approval* earlier = store.find(workspace, d->name);
    pending.push_back({d, hash, privilege_summary(*d, workspace),
                       earlier ? std::optional(*earlier) : std::nullopt});
  }
  return pending;
}

ApprovalStore load_store(const ApprovalRequest& request,
                         const std::function<void(const std::string&)>& warn) {
  auto store = ApprovalStore::load(request.store_path);
  if (store.was_corrupt()) {
    warn("approval store " + request.store_path + " is unreadable; treating it as empty");
  }
  return store;
}

}  // namespace

std::set<std::string> unapproved_names(const std::vector<Definition>& definitions,
                                       const ApprovalRequest& request,
                                       const std::function<void(const std::string&)>& warn) {
  auto untrusted = untrusted_of(definitions);
  std::set<std::string> out;
  if (untrusted.empty()) return out;
  std::vector<Pending> pending;
  try {
    pending = pending_of(untrusted, load_store(request, warn), workspace_key(request.workspace));
  } catch (const Error& e) {
    // A store that cannot be read approves nothing: fail closed, but let status/doctor go on.
    warn(std::string(e.what()) + "; treating every workspace sidecar as not approved");
    for (const Definition* d : untrusted) out.insert(d->name);
    return out;
  }
  for (const auto& p : pending) out.insert(p.definition->name);
  return out;
}

void require_approval(const std::vector<Definition>& definitions, const ApprovalRequest& request,
                      Terminal& terminal, const std::function<void(const std::string&)>& warn) {
  auto untrusted = untrusted_of(definitions);
  if (untrusted.empty()) return;  // never touch the store when there is nothing to decide

  auto store = load_store(request, warn);
  const std::string workspace = workspace_key(request.workspace);
  std::vector<Pending> pending = pending_of(untrusted, store, workspace);
  if (pending.empty()) return;
  if (request.no_prompt) refuse(pending, "--no-prompt forbids asking");
  if (!terminal.interactive()) refuse(pending, "there is no terminal to ask on");
  // One question for all of them: approving a project is one decision, not one per file.
  auto answer = terminal.ask(prompt_for(pending));
  if (!answer || !is_yes(*answer)) {
    bool many = pending.size() > 1;
    throw Error(std::string("denied: workspace sidecar") + (many ? "s " : " ") + names_of(pending) +
                (many ? " were" : " was") + " not approved" + (answer ? "" : " (no answer)") +
                "; nothing was started");
  }
  const std::string now = now_rfc3339();
  for (const auto& p : pending) {
    store.record({workspace, p.definition->name, p.hash, now, p.summary});
  }
  store.save();
}

}  // namespace run_anvil::launcher
