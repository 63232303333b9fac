#pragma once

#include <gmock/gmock.h>

#include "run_anvil/launcher/docker/engine.h"

// gMock of the Docker seam, for tests that assert exact daemon interactions.
namespace run_anvil::fakes {

class MockEngine : public launcher::Engine {
 public:
  MOCK_METHOD(std::string, endpoint, (), (const, override));
  MOCK_METHOD(bool, daemon_is_local, (), (const, override));
  MOCK_METHOD(std::vector<launcher::ContainerInfo>, list_containers,
              ((const std::map<std::string, std::string>&)), (override));
  MOCK_METHOD(std::optional<launcher::ContainerInfo>, inspect_container, (const std::string&),
              (override));
  MOCK_METHOD(std::optional<std::string>, image_id, (const std::string&), (override));
  MOCK_METHOD(std::optional<launcher::ImageConfig>, image_config, (const std::string&), (override));
  MOCK_METHOD(void, pull_image, (const std::string&, std::chrono::milliseconds), (override));
  MOCK_METHOD(void, import_image, (const std::string&, const std::string&), (override));
  MOCK_METHOD(std::string, create_container, (const launcher::ContainerSpec&), (override));
  MOCK_METHOD(void, start_container, (const std::string&), (override));
  MOCK_METHOD(void, remove_container, (const std::string&), (override));
  MOCK_METHOD(void, remove_container_keeping_volumes, (const std::string&), (override));
  MOCK_METHOD(void, stop_container, (const std::string&, std::optional<std::chrono::seconds>),
              (override));
  MOCK_METHOD(void, update_restart_policy, (const std::string&, const std::string&), (override));
  MOCK_METHOD(std::vector<launcher::NetworkInfo>, list_networks,
              ((const std::map<std::string, std::string>&)), (override));
  MOCK_METHOD(std::optional<launcher::NetworkInfo>, inspect_network, (const std::string&),
              (override));
  MOCK_METHOD(launcher::NetworkInfo, ensure_network,
              (const std::string&, (const std::map<std::string, std::string>&), bool), (override));
  MOCK_METHOD(void, remove_network, (const std::string&), (override));
  MOCK_METHOD(void, connect_network,
              (const std::string&, const std::string&, const std::vector<std::string>&),
              (override));
  MOCK_METHOD(void, disconnect_network, (const std::string&, const std::string&), (override));
  MOCK_METHOD(void, attach_stdin, (const std::string&, const std::string&), (override));
  MOCK_METHOD(std::optional<launcher::PathStat>, stat_path,
              (const std::string&, const std::string&), (override));
  MOCK_METHOD(std::vector<std::string>, process_commands, (const std::string&), (override));
  MOCK_METHOD(void, create_volume,
              (const std::string&, (const std::map<std::string, std::string>&)), (override));
  MOCK_METHOD(void, remove_volume, (const std::string&), (override));
  MOCK_METHOD(std::vector<launcher::VolumeInfo>, list_volumes,
              ((const std::map<std::string, std::string>&)), (override));
  MOCK_METHOD(launcher::ExecResult, exec,
              (const std::string&, const std::vector<std::string>&, std::chrono::milliseconds),
              (override));
  MOCK_METHOD(std::string, logs_tail, (const std::string&, int), (override));
};

}  // namespace run_anvil::fakes
