#include "hexa/gateway/health_checker.hpp"

#include <atomic>
#include <memory>
#include <spdlog/spdlog.h>

namespace hexa::gateway {
namespace {

void probe(http::Client& client, const HealthOptions& options, Upstream& upstream, std::size_t instance,
           std::function<void()> then) {
  http::Request req{http::Verb::get, options.path, 11};
  client.async_send(upstream.endpoint(instance), std::move(req), options.timeout,
                    [&upstream, instance, then = std::move(then)](http::Reply reply) {
                      const bool ready = reply.answered() && reply.response.result() == http::Status::ok;
                      if (upstream.set_in_rotation(instance, ready)) {
                        note_rotation(upstream, instance, ready,
                                      reply.answered() ? "readiness " + std::to_string(reply.response.result_int())
                                                       : reply.error);
                      }
                      if (then) then();
                    });
}

}  // namespace

HealthOptions HealthOptions::from(const Config& config) {
  HealthOptions o;
  o.interval = std::chrono::milliseconds(config.get_int("upstream.health.interval-ms", 2000));
  o.timeout = std::chrono::milliseconds(config.get_int("upstream.health.timeout-ms", 1000));
  o.path = config.get("upstream.health.path", o.path);
  return o;
}

void note_rotation(const Upstream& upstream, std::size_t instance, bool in, const std::string& why) {
  if (in) {
    spdlog::info("gateway: {} instance {} is back in rotation ({})", upstream.service(),
                 upstream.endpoint(instance).str(), why);
  } else {
    spdlog::warn("gateway: {} instance {} taken out of rotation ({})", upstream.service(),
                 upstream.endpoint(instance).str(), why);
  }
}

void recheck(http::Client& client, const HealthOptions& options, Upstream& upstream, std::function<void()> then) {
  // Answers come on the client's one I/O thread, but a counter that is atomic costs nothing.
  std::vector<std::size_t> members;
  for (std::size_t i = 0; i < upstream.size(); ++i)
    if (upstream.member(i)) members.push_back(i);
  if (members.empty()) return then();
  auto left = std::make_shared<std::atomic<std::size_t>>(members.size());
  auto last = std::make_shared<std::function<void()>>(std::move(then));
  for (const auto i : members)
    probe(client, options, upstream, i, [left, last] {
      if (left->fetch_sub(1) == 1) (*last)();
    });
}

HealthChecker::HealthChecker(std::vector<Upstream*> upstreams, http::Client& client, HealthOptions options)
    : upstreams_(std::move(upstreams)), client_(client), options_(std::move(options)) {
  if (!upstreams_.empty() && options_.checked())
    thread_ = std::jthread([this](std::stop_token stop) { run(std::move(stop)); });
}

HealthChecker::~HealthChecker() {
  thread_.request_stop();
  wake_.notify_all();
}

// A timer, not a wait for a condition: the checks are due every interval whatever happens.
void HealthChecker::run(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    for (auto* upstream : upstreams_)
      for (std::size_t i = 0; i < upstream->size(); ++i)
        if (upstream->member(i)) probe(client_, options_, *upstream, i, {});
    wake_.wait_for(lock, stop, options_.interval, [] { return false; });
  }
}

}  // namespace hexa::gateway
