#include "hexa/gateway/health_checker.hpp"

#include <spdlog/spdlog.h>

namespace hexa::gateway {

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

HealthChecker::HealthChecker(std::vector<Upstream*> upstreams, http::Client& client, HealthOptions options)
    : client_(client), options_(std::move(options)) {
  for (auto* u : upstreams)
    if (u->size() > 1) upstreams_.push_back(u);
  if (!upstreams_.empty() && options_.interval.count() > 0)
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
      for (std::size_t i = 0; i < upstream->size(); ++i) probe(*upstream, i);
    wake_.wait_for(lock, stop, options_.interval, [] { return false; });
  }
}

void HealthChecker::probe(Upstream& upstream, std::size_t instance) {
  http::Request req{http::Verb::get, options_.path, 11};
  client_.async_send(upstream.endpoint(instance), std::move(req), options_.timeout,
                     [&upstream, instance](http::Reply reply) {
                       const bool ready = reply.answered() && reply.response.result() == http::Status::ok;
                       if (!upstream.set_in_rotation(instance, ready)) return;
                       note_rotation(upstream, instance, ready,
                                     reply.answered() ? "readiness " + std::to_string(reply.response.result_int())
                                                      : reply.error);
                     });
}

}  // namespace hexa::gateway
