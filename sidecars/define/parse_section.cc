#include "parse_section.h"

#include <cmath>
#include <utility>

#include "parse_values.h"
#include "run_anvil/sidecars/define/parse.h"
#include "run_anvil/sidecars/text/suggest.h"

namespace run_anvil::sidecars::detail {

int line_of(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

Section::Section(const std::string& file, Definition& def, std::vector<Diagnostic>& diagnostics,
                 const toml::table& table, std::string name, int line)
    : file_(file),
      def_(def),
      diagnostics_(diagnostics),
      table_(table),
      name_(std::move(name)),
      line_(line) {}

std::string Section::dotted(std::string_view key) const {
  return name_.empty() ? std::string(key) : name_ + "." + std::string(key);
}

int Section::line(std::string_view key) const {
  const toml::node* node = table_.get(key);
  return node ? line_of(*node) : line_;
}

void Section::error(int line, std::string message) {
  diagnostics_.push_back(Diagnostic{file_, line, std::move(message)});
}

void Section::require(std::string_view key, const std::string& message) {
  if (!has(key)) error(line_, message);
}

void Section::reject_unknown(const std::vector<std::string_view>& known) {
  for (auto&& [key, node] : table_) {
    bool is_known = false;
    for (auto k : known) is_known = is_known || key.str() == k;
    if (is_known) continue;
    // Tables and keys are suggested from all known names: `[readines]` and `readines = ...`
    // are both typos of the one table.
    std::string hint =
        did_you_mean(key.str(), std::vector<std::string>(known.begin(), known.end()));
    if (name_.empty() && node.is_table()) {
      std::string shown =
          valid_simple_name(key.str()) ? "[" + std::string(key.str()) + "]" : quoted(key.str());
      error(line_of(node), "unknown table " + shown + hint);
    } else {
      std::string where = name_.empty() ? "" : " in [" + name_ + "]";
      error(line_of(node), "unknown key " + quoted(key.str()) + where + hint);
    }
  }
}

const toml::node* Section::lookup(std::string_view key) {
  const toml::node* node = table_.get(key);
  if (node) def_.lines[dotted(key)] = line_of(*node);
  return node;
}

void Section::type_error(std::string_view key, std::string_view what) {
  error_at(key, dotted(key) + " must be " + std::string(what));
}

std::optional<std::string> Section::string(std::string_view key, std::string_view what) {
  const toml::node* node = lookup(key);
  if (!node) return std::nullopt;
  if (const auto* s = node->as_string()) return s->get();
  type_error(key, what);
  return std::nullopt;
}

std::optional<bool> Section::boolean(std::string_view key) {
  const toml::node* node = lookup(key);
  if (!node) return std::nullopt;
  if (const auto* b = node->as_boolean()) return b->get();
  type_error(key, "true or false");
  return std::nullopt;
}

std::optional<std::int64_t> Section::integer(std::string_view key, std::string_view what) {
  const toml::node* node = lookup(key);
  if (!node) return std::nullopt;
  if (const auto* i = node->as_integer()) return i->get();
  type_error(key, what);
  return std::nullopt;
}

std::optional<std::vector<std::string>> Section::strings(std::string_view key,
                                                         std::string_view what, bool non_empty) {
  const toml::node* node = lookup(key);
  if (!node) return std::nullopt;
  const toml::array* array = node->as_array();
  if (!array || (non_empty && array->empty())) {
    type_error(key, what);
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const auto* s = (*array)[i].as_string();
    if (!s) {
      error(line_of((*array)[i]), dotted(key) + " must be " + std::string(what));
      return std::nullopt;
    }
    if (s->get().find('\0') != std::string::npos) {
      error(line_of((*array)[i]),
            dotted(key) + "[" + std::to_string(i) + "] must not contain a NUL character");
      return std::nullopt;
    }
    out.push_back(s->get());
  }
  return out;
}

std::optional<std::chrono::milliseconds> Section::duration(std::string_view key) {
  constexpr std::int64_t kMaxSeconds = 24 * 3600;
  const toml::node* node = lookup(key);
  if (!node) return std::nullopt;
  std::optional<std::chrono::milliseconds> out;
  if (const auto* s = node->as_string()) {
    out = parse_duration(s->get());
  } else if (const auto* i = node->as_integer()) {
    if (i->get() > 0 && i->get() <= kMaxSeconds) out = std::chrono::seconds{i->get()};
  } else if (const auto* f = node->as_floating_point()) {
    double seconds = f->get();
    if (std::isfinite(seconds) && seconds > 0 && seconds <= static_cast<double>(kMaxSeconds)) {
      auto ms = std::llround(seconds * 1000);
      if (ms > 0) out = std::chrono::milliseconds{ms};
    }
  }
  if (!out) {
    type_error(key,
               "a duration like \"30s\", \"500ms\" or \"2m\", or a number of seconds "
               "(more than 0, at most 24h)");
  }
  return out;
}

const toml::table* Section::subtable(std::string_view key) {
  const toml::node* node = lookup(key);
  if (!node) return nullptr;
  if (const auto* t = node->as_table()) return t;
  type_error(key, "a table");
  return nullptr;
}

}  // namespace run_anvil::sidecars::detail
