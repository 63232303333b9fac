#include "run_anvil/launcher/cli/plan_output.h"

#include <nlohmann/json.hpp>

namespace run_anvil::launcher {
namespace {

const char* origin_word(sidecars::PlannedVolume::Origin origin) {
  switch (origin) {
    case sidecars::PlannedVolume::Origin::Managed:
      return "volume";
    case sidecars::PlannedVolume::Origin::Bind:
      return "bind";
    case sidecars::PlannedVolume::Origin::Carried:
      return "anonymous";
  }
  return "?";
}

nlohmann::json volume_json(const sidecars::PlannedVolume& v) {
  return {{"kind", origin_word(v.origin)},
          {"source", v.source},
          {"target", v.target},
          {"mode", v.read_only ? "ro" : "rw"}};
}

std::string port_text(const sidecars::PortBinding& p) {
  std::string ip = p.host_ip.find(':') != std::string::npos ? "[" + p.host_ip + "]" : p.host_ip;
  return ip + ":" + (p.host_port ? std::to_string(p.host_port) : std::string("any")) + "->" +
         std::to_string(p.container_port) + "/" + p.protocol;
}

// The SPEC §12 options a step creates its container with; only the keys that are set, so plans
// of definitions without them print exactly as before.
nlohmann::json service_json(const sidecars::SidecarStep& step) {
  const sidecars::ServiceOptions& s = step.service;
  nlohmann::json j = nlohmann::json::object();
  if (!s.user.empty()) j["user"] = s.user;
  if (!s.working_dir.empty()) j["working_dir"] = s.working_dir;
  if (s.init) j["init"] = *s.init;
  if (s.shm_size_bytes) j["shm_size_bytes"] = s.shm_size_bytes;
  for (const auto& [path, options] : s.tmpfs) j["tmpfs"][path] = options;
  if (!s.cap_add.empty()) j["cap_add"] = s.cap_add;
  if (!s.cap_drop.empty()) j["cap_drop"] = s.cap_drop;
  if (!s.extra_hosts.empty()) j["extra_hosts"] = s.extra_hosts;
  if (!s.env_files.empty()) j["env_file"] = s.env_files;
  for (const auto& p : s.ports) {
    j["ports"].push_back({{"host_ip", p.host_ip},
                          {"host_port", p.host_port},
                          {"container_port", p.container_port},
                          {"protocol", p.protocol},
                          {"published", port_text(p)}});
  }
  for (const auto& u : s.ulimits) j["ulimits"][u.name] = {{"soft", u.soft}, {"hard", u.hard}};
  if (!s.labels.empty()) j["labels"] = s.labels;
  if (s.healthcheck) {
    j["healthcheck"] = {{"test", s.healthcheck->test},
                        {"interval_ms", s.healthcheck->interval.count()},
                        {"timeout_ms", s.healthcheck->timeout.count()},
                        {"start_period_ms", s.healthcheck->start_period.count()},
                        {"retries", s.healthcheck->retries}};
  }
  if (step.gpus != 0) j["gpus"] = step.gpus < 0 ? nlohmann::json("all") : nlohmann::json(step.gpus);
  return j;
}

nlohmann::json step_json(const sidecars::SidecarStep& s) {
  nlohmann::json j = {{"name", s.name},
                      {"container", s.container},
                      {"action", sidecars::to_string(s.action)},
                      {"reason", s.reason},
                      {"config_hash", s.config_hash},
                      {"network", s.network},
                      {"aliases", s.aliases},
                      {"connect", s.connect},
                      {"depends_on", s.depends_on},
                      {"readiness", s.probe.describe()},
                      {"timeout_ms", s.probe.timeout.count()}};
  // Only when set, so plans without volumes print exactly as before.
  if (!s.volumes.empty()) {
    j["volumes"] = nlohmann::json::array();
    for (const auto& v : s.volumes) j["volumes"].push_back(volume_json(v));
  }
  if (!s.data_note.empty() && s.action == sidecars::Action::Recreate) j["data"] = s.data_note;
  if (auto service = service_json(s); !service.empty()) j["service"] = std::move(service);
  if (s.needs_approval) j["needs_approval"] = true;
  // Only when pulling, so plans of local images print exactly as before.
  if (!s.pull_image.empty()) {
    j["pull"] = true;
    j["image"] = s.pull_image;
  }
  return j;
}

// Only for plans with session sidecars, so other plans print exactly as before.
nlohmann::json session_json(const sidecars::SessionPlan& s) {
  return {{"anvil_name", s.anvil_name},
          {"name_inserted", s.name_inserted},
          {"network", s.network},
          {"anvil_network", s.anvil_network},
          {"volumes", s.volumes}};
}

void print_session(std::ostream& out, const sidecars::SessionPlan& s) {
  out << "session " << s.anvil_name << (s.name_inserted ? " (generated --name)" : "");
  if (!s.network.empty()) out << ": network " << s.network << " (create, remove after the run)";
  if (!s.anvil_network.empty()) out << ", anvil joins " << s.anvil_network << " once it starts";
  out << "\n";
}

}  // namespace

void print_plan(std::ostream& out, const sidecars::Plan& plan, bool json,
                const std::vector<PendingApproval>& pending) {
  if (json) {
    nlohmann::json j;
    j["passthrough"] = false;
    j["network"] = plan.network;
    j["create_network"] = plan.create_network;
    j["sidecars"] = nlohmann::json::array();
    for (const auto& s : plan.steps) j["sidecars"].push_back(step_json(s));
    j["env"] = nlohmann::json::object();
    for (const auto& [k, v] : plan.env) j["env"][k] = v;
    j["anvil_argv"] = plan.anvil_argv;
    if (plan.session) j["session"] = session_json(*plan.session);
    j["pending_approvals"] = nlohmann::json::array();
    for (const auto& a : pending) {
      nlohmann::json entry{{"name", a.name}, {"file", a.file}, {"changed_since", nullptr}};
      if (!a.approved_at.empty()) entry["changed_since"] = a.approved_at;
      j["pending_approvals"].push_back(entry);
    }
    out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  if (!plan.network.empty()) {
    out << "network " << plan.network << (plan.create_network ? " (create)" : " (exists)") << "\n";
  }
  if (plan.session) print_session(out, *plan.session);
  for (const auto& s : plan.steps) {
    out << "sidecar " << s.name << ": " << sidecars::to_string(s.action) << " " << s.container
        << " (" << s.reason << ")";
    if (s.needs_approval) out << ", NEEDS APPROVAL (workspace layer; run asks first)";
    if (!s.pull_image.empty()) out << ", pull " << s.pull_image;
    if (!s.depends_on.empty()) out << ", after " << shell_join(s.depends_on);
    if (s.connect) out << ", connect to " << s.network;
    if (!s.session_network.empty()) out << ", join " << s.session_network;
    for (const auto& p : s.service.ports) out << ", publish " << port_text(p);
    out << ", ready when " << s.probe.describe();
    // SPEC §11: a recreate says what it keeps and what it discards.
    if (s.action == sidecars::Action::Recreate && !s.data_note.empty()) out << "; " << s.data_note;
    out << "\n";
  }
  for (const auto& a : pending) {
    out << "approval needed: " << a.name << " (" << a.file
        << (a.approved_at.empty() ? "; never approved"
                                  : "; changed since it was approved on " + a.approved_at)
        << "): the run asks before starting it, or fails with --no-prompt\n";
  }
  out << "anvil: " << shell_join(plan.anvil_argv) << "\n";
}

void print_passthrough_plan(std::ostream& out, const std::vector<std::string>& argv, bool json) {
  if (json) {
    nlohmann::json j{
        {"passthrough", true}, {"sidecars", nlohmann::json::array()}, {"anvil_argv", argv}};
    out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  out << "no sidecars declared: the command is executed unchanged\n"
      << "anvil: " << shell_join(argv) << "\n";
}

}  // namespace run_anvil::launcher
