#include "run_anvil/launcher/approvals.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>

#include "run_anvil/errors.h"
#include "run_anvil/sidecars/config_hash.h"

namespace run_anvil::launcher {
namespace {

using sidecars::Definition;

// One workspace-layer definition that is not approved as it stands.
struct Pending {
  const Definition* definition;
  std::string hash;
  // When an earlier version was approved: its date. A copy, because recording an approval
  // reshuffles the store's entries.
  std::optional<std::string> previously_approved_at;
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
  if (p.previously_approved_at) out += "; changed since it was approved";
  return out + ")";
}

// Names every unapproved sidecar, why nobody was asked, and how to approve.
[[noreturn]] void refuse(const std::vector<Pending>& pending, const std::string& why) {
  bool many = pending.size() > 1;
  std::string names;
  for (const auto& p : pending) names += (names.empty() ? "" : ", ") + describe(p);
  throw Error(std::string("workspace sidecar") + (many ? "s " : " ") + names +
              (many ? " are" : " is") + " not approved and " + why +
              ". The workspace layer is untrusted: its sidecars start only after you approve "
              "them. Run run-anvil once on a terminal without --no-prompt to review and approve " +
              (many ? "them." : "it."));
}

bool is_yes(std::string answer) {
  auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  answer.erase(answer.begin(), std::find_if_not(answer.begin(), answer.end(), space));
  answer.erase(std::find_if_not(answer.rbegin(), answer.rend(), space).base(), answer.end());
  std::transform(answer.begin(), answer.end(), answer.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return answer == "y" || answer == "yes";
}

std::string prompt_for(const Pending& p, const std::string& workspace) {
  std::string out = "\n" + privilege_summary(*p.definition, workspace);
  if (p.previously_approved_at) {
    out += "This definition CHANGED since you approved it on " + *p.previously_approved_at + ".\n";
  }
  return out + "Start sidecar \"" + p.definition->name + "\" from the workspace layer? [y/N] ";
}

// Asks about one sidecar; a yes is saved at once so a later denial does not lose it.
void ask_one(const Pending& p, const std::string& workspace, ApprovalStore& store,
             Terminal& terminal) {
  auto answer = terminal.ask(prompt_for(p, workspace));
  if (!answer || !is_yes(*answer)) {
    throw Error("denied: workspace sidecar " + describe(p) + " was not approved" +
                (answer ? "" : " (no answer)") + "; nothing was started");
  }
  store.record({workspace, p.definition->name, p.hash, now_rfc3339()});
  store.save();
}

}  // namespace

void require_approval(const std::vector<Definition>& definitions, const ApprovalRequest& request,
                      Terminal& terminal, const std::function<void(const std::string&)>& warn) {
  std::vector<const Definition*> untrusted;
  for (const auto& d : definitions) {
    // `disable = true` only removes a sidecar; the workspace layer may do that unasked.
    if (d.layer == sidecars::Layer::Workspace && !d.disable) untrusted.push_back(&d);
  }
  if (untrusted.empty()) return;  // never touch the store when there is nothing to decide

  auto store = ApprovalStore::load(request.store_path);
  if (store.was_corrupt()) {
    warn("approval store " + request.store_path + " is unreadable; treating it as empty");
  }
  const std::string workspace = workspace_key(request.workspace);
  std::vector<Pending> pending;
  for (const Definition* d : untrusted) {
    std::string hash = sidecars::config_hash(*d);
    if (!store.approves(workspace, d->name, hash)) {
      const Approval* earlier = store.find(workspace, d->name);
      pending.push_back({d, hash, earlier ? std::optional(earlier->approved_at) : std::nullopt});
    }
  }
  if (pending.empty()) return;
  if (request.no_prompt) refuse(pending, "--no-prompt forbids asking");
  if (!terminal.interactive()) refuse(pending, "there is no terminal to ask on");
  for (const auto& p : pending) {
    ask_one(p, workspace, store, terminal);
  }
}

}  // namespace run_anvil::launcher
