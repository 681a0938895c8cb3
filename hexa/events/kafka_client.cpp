#include "hexa/events/kafka_client.hpp"

#include <spdlog/spdlog.h>

#include <array>

#include "hexa/model/errors.hpp"

namespace hexa::kafka {

namespace {

// librdkafka logs from its own threads; spdlog is thread-safe. Levels are syslog's. Its
// "errors" (a refused connection, a broker going away) are transient by design: it retries
// them itself, so they are warnings to us.
void log_line(const rd_kafka_t* rk, int level, const char* facility, const char* text) {
  const auto lvl = level <= 4 ? spdlog::level::warn
                   : level <= 6 ? spdlog::level::info
                                : spdlog::level::debug;
  spdlog::log(lvl, "kafka {} {}: {}", rd_kafka_name(rk), facility, text);
}

// Errors reach us twice (as log lines above and here); only fatal ones need saying again.
void on_error(rd_kafka_t* rk, int err, const char* reason, void*) {
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    std::array<char, 512> text{};
    const auto cause = rd_kafka_fatal_error(rk, text.data(), text.size());
    spdlog::error("kafka {}: fatal {}: {}", rd_kafka_name(rk), rd_kafka_err2name(cause), text.data());
  } else {
    const auto code = static_cast<rd_kafka_resp_err_t>(err);
    spdlog::debug("kafka {}: {}: {}", rd_kafka_name(rk), rd_kafka_err2name(code), reason);
  }
}

}  // namespace

void set(rd_kafka_conf_t* conf, const std::string& name, const std::string& value) {
  std::array<char, 512> error{};
  if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error.data(), error.size()) !=
      RD_KAFKA_CONF_OK)
    throw Invalid("kafka setting " + name + "=" + value + ": " + error.data());
}

Conf base_conf(const KafkaBusOptions& options, const std::string& client_id) {
  Conf conf(rd_kafka_conf_new());
  set(conf.get(), "bootstrap.servers", options.bootstrap);
  set(conf.get(), "client.id", client_id);
  set(conf.get(), "socket.nagle.disable", "true");  // small messages go out at once
  // A broker back from a restart is found within a second (librdkafka's default backs off to
  // 10 s, long enough for a consumer to miss its session timeout).
  set(conf.get(), "reconnect.backoff.max.ms", "1000");
  rd_kafka_conf_set_log_cb(conf.get(), log_line);
  rd_kafka_conf_set_error_cb(conf.get(), on_error);
  return conf;
}

Client make_client(rd_kafka_type_t type, Conf conf, const KafkaBusOptions& options) {
  for (const auto& [name, value] : options.rdkafka) set(conf.get(), name, value);
  std::array<char, 512> error{};
  Client client(rd_kafka_new(type, conf.get(), error.data(), error.size()));
  if (!client) throw Invalid(std::string("kafka client: ") + error.data());
  (void)conf.release();  // now owned by the client
  return client;
}

PartitionList one_partition(const std::string& topic, std::int32_t partition, std::int64_t offset) {
  PartitionList list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition)->offset = offset;
  return list;
}

}  // namespace hexa::kafka
