#include "hexa/client/remote_caller.hpp"

#include <fmt/format.h>
#include <sstream>

#include "hexa/model/errors.hpp"
#include "hexa/rest/resource_core.hpp"

namespace hexa {

RemoteCaller::RemoteCaller(http::Client& client, const Config& config, std::string service)
    : client_(client), service_(std::move(service)),
      timeout_ms_(config.get_int("clients." + service_ + ".timeout-ms", 2000)) {
  std::stringstream urls(config.get("services." + service_ + ".url", ""));
  for (std::string url; std::getline(urls, url, ',');)
    if (!url.empty()) endpoints_.push_back(http::Endpoint::parse(url));
  if (endpoints_.empty())
    throw std::runtime_error(fmt::format("no address for service '{}': set services.{}.url", service_, service_));
}

std::optional<rest::Json> RemoteCaller::call(http::Verb verb, const std::string& target,
                                             const std::optional<rest::Json>& body,
                                             std::optional<std::int64_t> deadline_ms) {
  std::int64_t timeout = timeout_ms_;
  if (deadline_ms) timeout = std::min(timeout, *deadline_ms - now_ms());
  if (timeout <= 0) throw Unavailable(fmt::format("no time left to call {}", service_));
  http::Request req{verb, target, 11};
  req.set(http::beast_http::field::accept, "application/json");
  req.set(rest::kDeadlineHeader, std::to_string(now_ms() + timeout));
  if (body) {
    req.set(http::beast_http::field::content_type, "application/json");
    req.body() = body->dump();
  }
  const auto& to = endpoints_[next_++ % endpoints_.size()];
  http::Reply reply = client_.send(to, std::move(req), std::chrono::milliseconds(timeout));
  switch (reply.failure) {
    case http::Failure::Refused:
      throw Unavailable(fmt::format("{} is unavailable: {}", service_, reply.error));
    case http::Failure::Timeout:
    case http::Failure::Broken:
      throw Uncertain(fmt::format("{} did not answer in time: {}", service_, reply.error));
    case http::Failure::None: break;
  }
  const int status = static_cast<int>(reply.response.result_int());
  if (status == 404) return std::nullopt;
  if (status < 200 || status >= 300)
    throw Unavailable(fmt::format("{} answered {}: {}", service_, status, reply.response.body()));
  if (reply.response.body().empty()) return rest::Json::object();
  auto j = rest::Json::parse(reply.response.body(), nullptr, false);
  if (j.is_discarded()) throw Unavailable(fmt::format("{} answered malformed JSON", service_));
  return j;
}

}  // namespace hexa
