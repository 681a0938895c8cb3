// The seeds' siege experiment as a load generator: N customers, each posting contracts in a
// loop for a while, every answer timed and sorted by status. Prints one JSON object.
//   bench-carrental-overload <port> <customers> <seconds> [path body-template]
// By default each customer signs contracts; another system passes its own path and a JSON body
// in which "{customer}" is replaced by the customer's number (bench/shop12st/overload).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "hexa/http/client.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Samples {
  std::mutex mutex;
  std::map<int, std::vector<double>> ms_by_status;  // 0: no answer
  void add(int status, double ms) {
    std::lock_guard lock(mutex);
    ms_by_status[status].push_back(ms);
  }
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

struct Load {
  std::string path = "/contracts";
  std::string body = R"({"custName": "siege{customer}", "modelName": "부하테스트", "amt": 150})";
  std::string body_for(int id) const {
    std::string out = body;
    const std::string mark = "{customer}";
    for (auto at = out.find(mark); at != std::string::npos; at = out.find(mark, at))
      out.replace(at, mark.size(), std::to_string(id));
    return out;
  }
};

void customer(hexa::http::Client& client, const hexa::http::Endpoint& to, Clock::time_point end, int id,
              const Load& load, Samples& samples) {
  for (int n = 0; Clock::now() < end; ++n) {
    hexa::http::Request req{hexa::http::Verb::post, load.path, 11};
    req.set(hexa::http::beast_http::field::content_type, "application/json");
    req.body() = load.body_for(id);
    const auto started = Clock::now();
    auto reply = client.send(to, std::move(req), std::chrono::seconds(10));
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    samples.add(reply.answered() ? static_cast<int>(reply.response.result_int()) : 0, ms);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 6) {
    std::fprintf(stderr, "usage: %s <gateway port> <customers> <seconds> [path body-template]\n", argv[0]);
    return 2;
  }
  Load load;
  if (argc == 6) load = Load{argv[4], argv[5]};
  const hexa::http::Endpoint to{"127.0.0.1", static_cast<std::uint16_t>(std::stoi(argv[1]))};
  const int customers = std::stoi(argv[2]);
  const int seconds = std::stoi(argv[3]);
  hexa::http::Client client;
  Samples samples;
  const auto end = Clock::now() + std::chrono::seconds(seconds);
  std::vector<std::thread> threads;
  for (int i = 0; i < customers; ++i)
    threads.emplace_back([&, i] { customer(client, to, end, i, load, samples); });
  for (auto& t : threads) t.join();

  nlohmann::json out;
  double slowest = 0;
  std::size_t total = 0;
  for (const auto& [status, ms] : samples.ms_by_status) {
    out["statuses"][std::to_string(status)] = ms.size();
    slowest = std::max(slowest, *std::max_element(ms.begin(), ms.end()));
    total += ms.size();
  }
  const auto& ok = samples.ms_by_status[201];
  const auto& refused = samples.ms_by_status[503];
  out["seconds"] = seconds;
  out["answers"] = total;
  out["accepted_per_s"] = static_cast<double>(ok.size()) / seconds;
  out["accepted_p50_ms"] = percentile(ok, 0.5);
  out["accepted_p99_ms"] = percentile(ok, 0.99);
  out["refused_p50_ms"] = percentile(refused, 0.5);
  out["refused_p99_ms"] = percentile(refused, 0.99);
  out["slowest_ms"] = slowest;
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
