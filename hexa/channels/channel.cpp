#include "hexa/channels/channel.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "hexa/channels/log_channel.hpp"
#include "hexa/channels/webhook_channel.hpp"
#include "hexa/events/event.hpp"
#include "hexa/model/errors.hpp"

namespace hexa {

std::unique_ptr<Channel> open_channel(const std::string& name, const Config& config, http::Client& client) {
  const std::string prefix = "channels." + name + ".";
  const std::string type = config.get(prefix + "type", "log");
  // The webhook's settings are read whatever the kind: switching an environment to `type: log`
  // keeps its url and timeout valid, while a misspelt key is still refused by the check.
  const std::string url = config.get(prefix + "url", "");
  const auto timeout = std::chrono::milliseconds(config.get_int(prefix + "timeout-ms", 2000));
  if (type == "log") return std::make_unique<LogChannel>(name);
  if (type == "webhook") {
    if (url.empty()) throw std::runtime_error(fmt::format("channel '{}' is a webhook: set {}url", name, prefix));
    return std::make_unique<WebhookChannel>(name, url, timeout, client);
  }
  throw std::runtime_error(fmt::format("{}type: '{}' is not a channel kind (webhook | log)", prefix, type));
}

void LogChannel::send(const std::string& text, const StepContext& step) {
  spdlog::info("channel {} (key {}): {}", name_, step.idempotency_key, text);
}

WebhookChannel::WebhookChannel(std::string name, const std::string& url, std::chrono::milliseconds timeout,
                               http::Client& client)
    : name_(std::move(name)), to_(http::Endpoint::parse(url)), timeout_(timeout), client_(client) {
  const auto scheme = url.find("://");
  const auto path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  target_ = path == std::string::npos ? "/" : url.substr(path);
}

void WebhookChannel::send(const std::string& text, const StepContext& step) {
  auto timeout = timeout_;
  if (step.deadline_ms > 0)
    timeout = std::min(timeout, std::chrono::milliseconds(step.deadline_ms - now_ms()));
  if (timeout.count() <= 0) throw Unavailable(fmt::format("channel {}: no time left to send", name_));
  http::Request req{http::Verb::post, target_, 11};
  const bool json = !nlohmann::json::parse(text, nullptr, false).is_discarded();
  req.set(http::beast_http::field::content_type, json ? "application/json" : "text/plain; charset=utf-8");
  if (!step.idempotency_key.empty()) req.set(kIdempotencyKeyHeader, step.idempotency_key);
  req.body() = text;
  const auto reply = client_.send(to_, std::move(req), timeout);
  switch (reply.failure) {
    case http::Failure::Refused: throw Unavailable(fmt::format("channel {}: {} is unavailable: {}", name_, to_.str(), reply.error));
    case http::Failure::Timeout:
    case http::Failure::Broken: throw Uncertain(fmt::format("channel {}: {} did not answer: {}", name_, to_.str(), reply.error));
    case http::Failure::None: break;
  }
  const int status = static_cast<int>(reply.response.result_int());
  if (status >= 200 && status < 300) return;
  if (status >= 400 && status < 500)
    throw Refused(status, fmt::format("channel {}: {} refused ({}): {}", name_, to_.str(), status, reply.response.body()));
  throw Unavailable(fmt::format("channel {}: {} answered {}", name_, to_.str(), status));
}

}  // namespace hexa
