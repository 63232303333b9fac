#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

// A tiny TOML emitter for `import`: keys in the order they were set (a definition reads top to
// bottom like the README's examples), values quoted so any string round-trips.
namespace run_anvil::sidecars::detail {

std::string toml_string(const std::string& s);
std::string toml_array(const std::vector<std::string>& items);

class TomlWriter {
 public:
  // `value` is TOML text already (toml_string, toml_array, a number, true/false).
  void set(const std::string& table, const std::string& key, std::string value);
  bool has(const std::string& table, const std::string& key) const;
  // Top-level keys first, then each table in the order it was first used.
  std::string text() const;

 private:
  struct Table {
    std::string name;
    std::vector<std::pair<std::string, std::string>> entries;
  };
  Table& table(const std::string& name);
  std::vector<Table> tables_{Table{"", {}}};
};

// A key that needs quoting in TOML ("org.example/team") gets it; bare keys stay bare.
std::string toml_key(const std::string& key);

}  // namespace run_anvil::sidecars::detail
