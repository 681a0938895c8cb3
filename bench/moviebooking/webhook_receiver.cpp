// bench-webhook-receiver: the seed's KakaoTalk for bench/moviebooking/run, on loopback. Counts
// the alerts POSTed to it, one per Idempotency-Key (a repeat is counted apart); GET answers
// {"received": N, "repeats": M}. In C++ so that it takes the system's CPU as little as a real
// receiver elsewhere would (behind a Python one bookings ran at 2,978/s, behind this one 3,747/s).
// Prints the bound port on its first line; SIGINT/SIGTERM stop it.
#include <mutex>
#include <string>
#include <unordered_set>

#include "bench/lib/serve_until_stopped.hpp"

int main() {
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
  return bench::serve_until_stopped(server);
}
