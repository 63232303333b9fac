#include "toml_writer.h"

#include <algorithm>
#include <cstdio>

namespace run_anvil::sidecars::detail {

std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string toml_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + toml_string(items[i]);
  return out + "]";
}

std::string toml_key(const std::string& key) {
  bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
  return bare ? key : toml_string(key);
}

TomlWriter::Table& TomlWriter::table(const std::string& name) {
  for (auto& t : tables_) {
    if (t.name == name) return t;
  }
  tables_.push_back(Table{name, {}});
  return tables_.back();
}

void TomlWriter::set(const std::string& table_name, const std::string& key, std::string value) {
  Table& t = table(table_name);
  for (auto& [k, v] : t.entries) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  t.entries.emplace_back(key, std::move(value));
}

bool TomlWriter::has(const std::string& table_name, const std::string& key) const {
  for (const auto& t : tables_) {
    if (t.name != table_name) continue;
    for (const auto& [k, v] : t.entries) {
      if (k == key) return true;
    }
  }
  return false;
}

std::string TomlWriter::text() const {
  std::string out;
  for (const auto& t : tables_) {
    if (t.name.empty()) {
      for (const auto& [k, v] : t.entries) out += toml_key(k) + " = " + v + "\n";
      continue;
    }
    if (t.entries.empty()) continue;
    out += "\n[" + t.name + "]\n";
    for (const auto& [k, v] : t.entries) out += toml_key(k) + " = " + v + "\n";
  }
  return out;
}

}  // namespace run_anvil::sidecars::detail
