#include "hexa/events/kafka_options.hpp"

#include <algorithm>
#include <iterator>

#include "hexa/model/errors.hpp"
#include "hexa/store/url.hpp"

namespace hexa {

namespace {

constexpr std::string_view kPassThrough = "rdkafka.";

std::int64_t in_range(const ResourceUrl& url, const std::string& name, std::int64_t fallback,
                      std::int64_t min, std::int64_t max) {
  const auto value = url.int_param(name).value_or(fallback);
  if (value < min || value > max)
    throw Invalid("kafka URL parameter " + name + " must be between " + std::to_string(min) +
                  " and " + std::to_string(max));
  return value;
}

std::chrono::milliseconds millis(const ResourceUrl& url, const std::string& name,
                                 std::chrono::milliseconds fallback, std::int64_t min,
                                 std::int64_t max) {
  return std::chrono::milliseconds(in_range(url, name, fallback.count(), min, max));
}

void refuse_unknown(const ResourceUrl& url) {
  static const char* const known[] = {"partitions",      "replication",  "publish_timeout_ms",
                                      "session_timeout_ms", "heartbeat_ms", "fetch_wait_ms",
                                      "linger_ms", "namespace"};
  for (const auto& [name, value] : url.params) {
    if (name.starts_with(kPassThrough)) continue;
    if (std::find(std::begin(known), std::end(known), name) == std::end(known))
      throw Invalid("unknown kafka URL parameter '" + name + "'");
  }
}

}  // namespace

KafkaBusOptions kafka_options_from_url(const std::string& url) {
  const auto parsed = parse_resource_url(url, "kafka");
  refuse_unknown(parsed);
  KafkaBusOptions o;
  o.bootstrap = parsed.path;
  o.partitions = static_cast<int>(in_range(parsed, "partitions", o.partitions, 1, 10'000));
  o.replication = static_cast<int>(in_range(parsed, "replication", o.replication, 1, 100));
  o.publish_timeout = millis(parsed, "publish_timeout_ms", o.publish_timeout, 100, 900'000);
  o.session_timeout = millis(parsed, "session_timeout_ms", o.session_timeout, 1'000, 3'600'000);
  o.heartbeat = millis(parsed, "heartbeat_ms", o.heartbeat, 10, 3'600'000);
  o.fetch_wait = millis(parsed, "fetch_wait_ms", o.fetch_wait, 0, 300'000);
  o.linger = millis(parsed, "linger_ms", o.linger, 0, 900'000);
  o.name_space = parsed.param("namespace").value_or("");
  for (const auto& [name, value] : parsed.params)
    if (name.starts_with(kPassThrough)) o.rdkafka[name.substr(kPassThrough.size())] = value;
  return o;
}

}  // namespace hexa
