#include "run_anvil/launcher/cli/completions.h"

#include <vector>

#include "run_anvil/launcher/cli/cli_spec.h"

namespace run_anvil::launcher {
namespace {

struct Names {
  std::string short_name;  // "-q" or ""
  std::string long_name;   // "--quiet"
};

Names split(const OptionSpec& o) {
  std::string n(o.names);
  auto comma = n.find(',');
  if (comma == std::string::npos) return {"", n};
  return {n.substr(0, comma), n.substr(comma + 1)};
}

std::string words(const std::vector<std::string_view>& items) {
  std::string out;
  for (auto i : items) out += (out.empty() ? "" : " ") + std::string(i);
  return out;
}

std::vector<OptionId> options_of(const CommandSpec& c) {
  std::vector<OptionId> out(discovery_options().begin(), discovery_options().end());
  out.insert(out.end(), c.options.begin(), c.options.end());
  return out;
}

bool takes_sidecars(const CommandSpec& c) { return c.positional == "NAME"; }
// import's COMPOSE_FILE (and the services after it): the shell's file names.
bool takes_files(const CommandSpec& c) { return c.positional == "COMPOSE_FILE"; }

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

// A declared or managed sidecar name, from `status --json` (the daemon is asked: completion of a
// NAME is worth one status call).
constexpr const char* kSidecarLister =
    "command run-anvil status --json 2>/dev/null | sed -n 's/^      \"name\": "
    "\"\\(.*\\)\",$/\\1/p'";

// --- bash -------------------------------------------------------------------------------------

std::string bash_value_case() {
  std::string dirs, files, free;
  for (const auto& o : option_table()) {
    if (o.value.empty()) continue;
    Names n = split(o);
    if (!o.choices.empty()) continue;
    std::string& list = o.completes == "dir" ? dirs : o.completes == "file" ? files : free;
    list += (list.empty() ? "" : "|") + n.long_name;
  }
  std::string out = "  case \"$prev\" in\n";
  out += "    " + dirs + ") COMPREPLY=($(compgen -d -- \"$cur\")); return 0 ;;\n";
  out += "    " + files + ") COMPREPLY=($(compgen -f -- \"$cur\")); return 0 ;;\n";
  for (const auto& o : option_table()) {
    if (!o.choices.empty()) {
      out += "    " + split(o).long_name + ") COMPREPLY=($(compgen -W \"" + words(o.choices) +
             "\" -- \"$cur\")); return 0 ;;\n";
    }
  }
  out +=
      "    --recreate) COMPREPLY=($(compgen -W \"$(_run_anvil_sidecars)\" -- \"$cur\")); return 0 "
      ";;\n";
  out += "    " + replace_all(free, "|--recreate", "") + ") return 0 ;;\n";
  return out + "  esac\n";
}

std::string bash_script() {
  std::string commands;
  for (const auto& n : subcommand_names()) commands += (commands.empty() ? "" : " ") + n;
  std::string out =
      "# bash completion for run-anvil (generated: run-anvil completion bash)\n"
      "_run_anvil_sidecars() {\n  " +
      std::string(kSidecarLister) +
      "\n}\n\n"
      "_run_anvil() {\n"
      "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" cmd=\"\" i\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    case \"${COMP_WORDS[i]}\" in\n"
      "      --) return 0 ;;  # the harness command: the shell's default completion\n"
      "      " +
      replace_all(commands, " ", "|") +
      ") [ -z \"$cmd\" ] && cmd=\"${COMP_WORDS[i]}\" ;;\n"
      "    esac\n"
      "  done\n" +
      bash_value_case() + "  local opts=\"\"\n  case \"$cmd\" in\n";
  for (const auto& c : command_table()) {
    if (c.hidden) continue;
    std::string opts = "--help";
    for (OptionId id : options_of(c)) {
      Names n = split(option(id));
      opts += " " + n.long_name + (n.short_name.empty() ? "" : " " + n.short_name);
    }
    if (c.name.empty()) opts += " -- " + commands;
    out += "    \"" + std::string(c.name) + "\") opts=\"" + opts + "\"" +
           (takes_sidecars(c) && c.name != ""
                ? "\n      [[ \"$cur\" == -* ]] || opts=\"$opts $(_run_anvil_sidecars)\""
                : "") +
           " ;;\n";
  }
  out += "  esac\n  COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n}\n";
  out += "complete -o default -F _run_anvil run-anvil\n";
  return out;
}

// --- zsh --------------------------------------------------------------------------------------

std::string zsh_escape(std::string_view help) {
  std::string s(help);
  s = replace_all(s, "\\", "\\\\");
  s = replace_all(s, "'", "'\\''");
  s = replace_all(s, ":", "\\:");
  s = replace_all(s, "[", "\\[");
  s = replace_all(s, "]", "\\]");
  return s;
}

std::string zsh_spec(const OptionSpec& o) {
  Names n = split(o);
  std::string help = "[" + zsh_escape(o.help) + "]";
  std::string value;
  if (!o.value.empty()) {
    std::string action = !o.choices.empty()         ? "(" + words(o.choices) + ")"
                         : o.completes == "dir"     ? "_files -/"
                         : o.completes == "file"    ? "_files"
                         : o.completes == "sidecar" ? "_run_anvil_sidecars"
                                                    : " ";
    value = ":" + std::string(o.value) + ":" + action;
  }
  if (n.short_name.empty()) return "'" + n.long_name + help + value + "'";
  return "'(" + n.short_name + " " + n.long_name + ")'{" + n.short_name + "," + n.long_name + "}'" +
         help + value + "'";
}

std::string zsh_options(const CommandSpec& c) {
  std::string out;
  for (OptionId id : options_of(c)) out += "    " + zsh_spec(option(id)) + "\n";
  return out;
}

std::string zsh_script() {
  std::string out =
      "#compdef run-anvil\n"
      "# zsh completion for run-anvil (generated: run-anvil completion zsh)\n\n"
      "_run_anvil_sidecars() {\n  local -a names\n  names=(${(f)\"$(" +
      std::string(kSidecarLister) +
      ")\"})\n  compadd -a names\n}\n\n"
      "_run_anvil() {\n  local -a commands\n  commands=(\n";
  for (const auto& c : command_table()) {
    if (c.name.empty() || c.hidden) continue;
    out += "    '" + std::string(c.name) + ":" + zsh_escape(c.help) + "'\n";
  }
  out += "  )\n  local curcontext=\"$curcontext\" state line\n";
  out += "  _arguments -C \\\n" + replace_all(zsh_options(command_table().front()), "\n", " \\\n") +
         "    '1: :->command' '*:: :->args' && return\n";
  out += "  case $state in\n    command) _describe -t commands 'run-anvil command' commands ;;\n";
  out += "    args)\n      case $words[1] in\n";
  for (const auto& c : command_table()) {
    if (c.name.empty() || c.hidden) continue;
    out += "        " + std::string(c.name) + ") _arguments \\\n" +
           replace_all(zsh_options(c), "\n", " \\\n") +
           (takes_sidecars(c) ? "    '*:sidecar:_run_anvil_sidecars'"
            : takes_files(c)  ? "    '*:file:_files'"
                              : "    ") +
           " ;;\n";
  }
  out += "      esac ;;\n  esac\n}\n\n_run_anvil \"$@\"\n";
  return out;
}

// --- fish -------------------------------------------------------------------------------------

std::string fish_quote(std::string_view s) {
  return "'" + replace_all(replace_all(std::string(s), "\\", "\\\\"), "'", "\\'") + "'";
}

std::string fish_option(const OptionSpec& o, const std::string& condition) {
  Names n = split(o);
  std::string out = "complete -c run-anvil";
  if (!condition.empty()) out += " -n " + fish_quote(condition);
  if (!n.short_name.empty()) out += " -s " + n.short_name.substr(1);
  out += " -l " + n.long_name.substr(2);
  if (!o.value.empty()) {
    out += " -r";
    if (!o.choices.empty()) out += " -a " + fish_quote(words(o.choices));
    if (o.completes == "dir") out += " -a '(__fish_complete_directories)'";
    if (o.completes == "file") out += " -F";
    if (o.completes == "sidecar") out += " -a '(__run_anvil_sidecars)'";
  }
  return out + " -d " + fish_quote(o.help) + "\n";
}

std::string fish_script() {
  std::string commands;
  for (const auto& n : subcommand_names()) commands += (commands.empty() ? "" : " ") + n;
  std::string out =
      "# fish completion for run-anvil (generated: run-anvil completion fish)\n"
      "function __run_anvil_sidecars\n    " +
      std::string(kSidecarLister) + "\nend\n\ncomplete -c run-anvil -f\n";
  for (const auto& c : command_table()) {
    if (c.name.empty() || c.hidden) continue;
    out += "complete -c run-anvil -n __fish_use_subcommand -a " + std::string(c.name) + " -d " +
           fish_quote(c.help) + "\n";
  }
  for (OptionId id : discovery_options()) out += fish_option(option(id), "");
  for (const auto& c : command_table()) {
    if (c.hidden) continue;
    std::string condition = c.name.empty() ? "__fish_use_subcommand"
                                           : "__fish_seen_subcommand_from " + std::string(c.name);
    for (OptionId id : c.options) out += fish_option(option(id), condition);
    if (takes_sidecars(c)) {
      out += "complete -c run-anvil -n " + fish_quote(condition) +
             " -a '(__run_anvil_sidecars)' -d sidecar\n";
    }
    if (takes_files(c)) out += "complete -c run-anvil -n " + fish_quote(condition) + " -F\n";
  }
  return out;
}

// --- man --------------------------------------------------------------------------------------

std::string roff(std::string_view text) {
  std::string s = replace_all(std::string(text), "\\", "\\e");
  s = replace_all(s, "-", "\\-");
  if (!s.empty() && (s[0] == '.' || s[0] == '\'')) s = "\\&" + s;
  return s;
}

std::string man_option(const OptionSpec& o) {
  Names n = split(o);
  std::string head = n.short_name.empty()
                         ? "\\fB" + roff(n.long_name) + "\\fR"
                         : "\\fB" + roff(n.short_name) + "\\fR, \\fB" + roff(n.long_name) + "\\fR";
  if (!o.value.empty()) head += " \\fI" + roff(o.value) + "\\fR";
  return ".TP\n" + head + "\n" + roff(o.help) + "\n";
}

}  // namespace

std::string completion_script(std::string_view shell) {
  if (shell == "bash") return bash_script();
  if (shell == "zsh") return zsh_script();
  if (shell == "fish") return fish_script();
  return "";
}

std::string man_page() {
  std::string out =
      ".TH RUN-ANVIL 1 \"\" \"run-anvil\" \"User Commands\"\n"
      ".SH NAME\nrun\\-anvil \\- run an agent harness with the sidecar containers it needs\n"
      ".SH SYNOPSIS\n";
  for (const auto& c : command_table()) {
    if (c.hidden) continue;
    out += ".B run\\-anvil\n" + roff(c.synopsis) + "\n.br\n";
  }
  out +=
      ".SH DESCRIPTION\n"
      "run\\-anvil replaces \\fBdocker run\\fR in a harness script: it discovers sidecar "
      "definitions (one TOML file per sidecar in the user, org, repo and workspace layers), "
      "starts or reuses them, waits until they are ready, attaches them to the harness's "
      "network, injects their coordinates, then runs the harness in the foreground and returns "
      "its exit code. With no sidecar declared, the command after \\fB\\-\\-\\fR is executed "
      "untouched. The launcher writes only to stderr; stdout belongs to the harness.\n"
      ".SH COMMANDS\n";
  for (const auto& c : command_table()) {
    if (c.hidden) continue;
    out += ".TP\n\\fBrun\\-anvil " + roff(c.synopsis) + "\\fR\n" + roff(c.help) + ".\n";
    for (OptionId id : c.options) out += ".RS\n" + man_option(option(id)) + ".RE\n";
  }
  out +=
      ".SH OPTIONS\nEvery command that discovers definitions accepts these, before or after "
      "the command name:\n";
  for (OptionId id : discovery_options()) out += man_option(option(id));
  out +=
      ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nThe options of the command.\n"
      ".SH EXIT STATUS\n"
      "The harness's own exit status; \\fB1\\fR launcher failure (invalid or refused definition, "
      "docker error, readiness timeout, denied approval, unknown sidecar name); \\fB2\\fR bad "
      "usage (unknown command or option, a missing explicit directory); \\fB127\\fR the harness "
      "command cannot be executed; \\fB130\\fR interrupted by Ctrl\\-C (the harness's own "
      "non\\-zero status when it exits after it, e.g. 137 when it had to be killed); "
      "\\fB128+N\\fR terminated by signal N.\n"
      ".SH ENVIRONMENT\n"
      ".TP\n\\fBSWARMFORGE_USER_ASSETS_DIR\\fR\nThe user assets directory (default "
      "~/.swarmforge): user layer, approvals, secret providers.\n"
      ".TP\n\\fBDOCKER_HOST\\fR, \\fBDOCKER_CONTEXT\\fR\nThe Docker daemon to use.\n"
      ".SH SEE ALSO\n\\fBdocker\\-run\\fR(1); the README of run\\-anvil.\n";
  return out;
}

}  // namespace run_anvil::launcher
