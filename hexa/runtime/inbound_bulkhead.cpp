#include "hexa/runtime/inbound_bulkhead.hpp"

#include "hexa/model/errors.hpp"
#include "hexa/runtime/router.hpp"

namespace hexa {

void InboundBulkheads::limit(const std::string& collection, int max_concurrent, std::string busy_message) {
  if (max_concurrent <= 0) return;
  by_collection_[collection] = Limit{std::make_unique<resilience::Bulkhead>(max_concurrent), std::move(busy_message)};
}

void InboundBulkheads::configure(const Config& config, const std::string& collection) {
  const std::string prefix = "resources." + collection + ".";
  const auto max = config.get_int(prefix + "max-concurrent", 0);
  const std::string message = config.get(prefix + "busy-message", collection + " is busy, please try again later");
  limit(collection, static_cast<int>(max), message);
}

InboundBulkheads::Permit InboundBulkheads::admit(http::Verb verb, std::string_view target) {
  if (by_collection_.empty() || verb == http::Verb::get || verb == http::Verb::head || verb == http::Verb::options)
    return nullptr;
  std::string_view path = Router::path_of(target);
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  const auto it = by_collection_.find(path.substr(0, path.find('/')));
  if (it == by_collection_.end()) return nullptr;
  auto permit = it->second.bulkhead->try_enter();
  if (!permit) throw Unavailable(it->second.busy_message);
  return std::make_shared<resilience::Bulkhead::Permit>(std::move(*permit));
}

void InboundBulkheads::register_metrics(Metrics& metrics) const {
  for (const auto& [collection, limit] : by_collection_)
    metrics.counter("hexa_http_bulkhead_refused_requests_total", {{"resource", collection}},
                    "writes refused with 503 because the resource's bulkhead was full",
                    [b = limit.bulkhead.get()] { return static_cast<double>(b->refused()); });
}

}  // namespace hexa
