// The bus factory: picks the implementation from the URL's scheme.
#include "hexa/events/kafka_bus.hpp"
#include "hexa/events/log_bus.hpp"
#include "hexa/model/errors.hpp"
#include "hexa/store/url.hpp"

namespace hexa {

namespace {

// "log:/dir?partitions=8&sync=normal|full&busy_timeout_ms=5000"
std::unique_ptr<EventBus> open_log_bus(const std::string& url) {
  const auto parsed = parse_resource_url(url, "log");
  LogBusOptions options;
  options.dir = parsed.path;
  if (auto n = parsed.int_param("partitions")) options.partitions = static_cast<int>(*n);
  if (auto ms = parsed.int_param("busy_timeout_ms"))
    options.open.busy_timeout = std::chrono::milliseconds(*ms);
  if (auto sync = parsed.param("sync")) {
    if (*sync != "normal" && *sync != "full") throw Invalid("sync must be normal or full in " + url);
    options.open.full_sync = *sync == "full";
  }
  return std::make_unique<LogBus>(std::move(options));
}

}  // namespace

std::unique_ptr<EventBus> open_bus(const std::string& url) {
  if (url.starts_with("log:")) return open_log_bus(url);
  if (url.starts_with("kafka:")) return open_kafka_bus(url);  // "kafka://host:port?partitions=8"
  throw Invalid("unsupported bus URL '" + url + "' (supported: log:/path/to/dir, kafka://host:port)");
}

}  // namespace hexa
