// bench-webhook-receiver: the seed's KakaoTalk for bench/moviebooking/run, on loopback. Counts
// the alerts POSTed to it, one per Idempotency-Key (a repeat is counted apart); GET answers
// {"received": N, "repeats": M}. In C++ so that it takes the system's CPU as little as a real
// receiver elsewhere would (a Python one took a core's worth of the 2 at 3,000 alerts/s).
// Prints the bound port on its first line; SIGINT/SIGTERM stop it.
#include <csignal>
#include <iostream>
#include <mutex>
#include <string>
#include <unordered_set>

#include "hexa/http/server.hpp"

int main() {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);  // before the I/O thread exists

  std::mutex mutex;
  std::unordered_set<std::string> keys;
  std::size_t repeats = 0;
  hexa::http::Server server({}, [&](hexa::http::Request&& req, hexa::http::Responder respond) {
    std::lock_guard lock(mutex);
    if (req.method() == hexa::http::Verb::post) {
      if (!keys.insert(std::string(req["Idempotency-Key"])).second) ++repeats;
      return respond(hexa::http::Response{hexa::http::Status::ok, 11});
    }
    const auto counts = "{\"received\": " + std::to_string(keys.size()) + ", \"repeats\": " + std::to_string(repeats) + "}";
    respond(hexa::http::json_response(req, hexa::http::Status::ok, counts));
  });
  server.start();
  std::cout << server.port() << std::endl;

  int sig = 0;
  sigwait(&stop, &sig);
  server.stop(std::chrono::milliseconds{1000});
  return 0;
}
