// File-based liveness (management.health.liveness.file, the seed's `touch /tmp/healthy`): a
// whole service over loopback creates the file at start, answers /actuator/health/liveness
// DOWN (503) while the file is missing and UP again once it is back; readiness does not depend
// on it. One Service per
// process (it registers its logger), as ctest runs each case.
#include <gtest/gtest.h>
#include <pthread.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "hexa/http/client.hpp"
#include "hexa/service.hpp"
#include "support/eventually.hpp"
#include "support/server_process.hpp"

namespace {

namespace http = hexa::http;

TEST(LivenessFile, DownWhileTheFileIsMissing) {
  const auto dir = std::filesystem::temp_directory_path() / ("liveness-file-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto healthy = dir / "tmp" / "healthy";  // its folder made too
  const auto port = hexa::testing::free_loopback_port();
  std::ofstream(dir / "application.yaml") << "data:\n  dir: " << (dir / "data").string() << "\n"
                                          << "server:\n  port: " << port << "\n"
                                          << "management:\n  health:\n    liveness:\n      file: "
                                          << healthy.string() << "\n";
  const std::string config = (dir / "application.yaml").string();
  std::vector<std::string> args{"liveness-test", "--config", config};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  hexa::Service svc("selfheal", static_cast<int>(argv.size()), argv.data());
  std::thread runner([&svc] { svc.run(); });
  struct Stop {
    std::thread& runner;
    std::filesystem::path dir;
    ~Stop() {
      pthread_kill(runner.native_handle(), SIGTERM);  // the runner waits for it (sigwait)
      runner.join();
      std::filesystem::remove_all(dir);
    }
  } stop{runner, dir};

  http::Client client;
  auto status = [&](const std::string& path) {
    http::Request req{http::Verb::get, path, 11};
    auto r = client.send(http::Endpoint{"127.0.0.1", port}, std::move(req), std::chrono::seconds(5));
    return r.answered() ? static_cast<int>(r.response.result_int()) : 0;
  };
  ASSERT_TRUE(hexa::testing::eventually([&] { return status("/actuator/health/liveness") == 200; }))
      << "the service did not start alive";
  EXPECT_TRUE(std::filesystem::exists(healthy)) << "created at start, as the seed's container did";
  std::filesystem::remove(healthy);
  EXPECT_EQ(status("/actuator/health/liveness"), 503);
  EXPECT_TRUE(hexa::testing::eventually([&] { return status("/actuator/health/readiness") == 200; }))
      << "readiness does not depend on the file";
  std::ofstream(healthy) << "";
  EXPECT_EQ(status("/actuator/health/liveness"), 200);
}

}  // namespace
