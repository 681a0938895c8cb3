// build/bin/hexa-gateway --config <gateway.yaml>: the system's one door. PROFILE selects the
// config's profiles; SERVER_PORT, SERVICES_<NAME>_URL and friends override it (see Config).
// SIGINT/SIGTERM stop it gracefully.
#include <iostream>
#include <spdlog/spdlog.h>

#include "hexa/gateway/gateway.hpp"
#include "hexa/runtime/process.hpp"

int main(int argc, char** argv) {
  try {
    hexa::Process process(argc, argv, "gateway");
    const auto& config = process.config();
    // An access line per request: written in batches (at most a second late), not one write
    // each; warnings and errors still go out at once.
    spdlog::default_logger()->flush_on(spdlog::level::warn);
    spdlog::flush_every(std::chrono::seconds(1));
    hexa::gateway::Gateway gateway(config);
    const std::chrono::milliseconds grace(config.get_int("server.shutdown-grace-ms", 5000));
    config.check_known();  // a key nobody read is a typo: stop before serving
    gateway.start();
    const int sig = process.wait_for_stop();
    spdlog::info("gateway stopping (signal {})", sig);
    gateway.stop(grace);
    spdlog::info("gateway stopped");
    spdlog::shutdown();  // writes what is still buffered, ends the flusher
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "hexa-gateway: " << e.what() << "\n";
    return 1;
  }
}
