#include "hexa/events/kafka_codec.hpp"

#include <charconv>
#include <string>

namespace hexa::kafka {

namespace {

void add(rd_kafka_headers_t* headers, const char* name, const std::string& value) {
  rd_kafka_header_add(headers, name, -1, value.data(), static_cast<ssize_t>(value.size()));
}

std::string header(const rd_kafka_headers_t* headers, const char* name) {
  const void* value = nullptr;
  std::size_t size = 0;
  if (!headers || rd_kafka_header_get_last(headers, name, &value, &size) != RD_KAFKA_RESP_ERR_NO_ERROR ||
      !value)
    return {};
  return {static_cast<const char*>(value), size};
}

std::int64_t to_int(const std::string& text) {
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);  // 0 when absent or garbled
  return value;
}

}  // namespace

rd_kafka_resp_err_t produce(rd_kafka_t* rk, const Event& e, const std::string& topic, void* opaque) {
  Headers headers(rd_kafka_headers_new(4));
  add(headers.get(), "id", e.id);
  add(headers.get(), "type", e.type);
  add(headers.get(), "time", std::to_string(e.time_ms));
  add(headers.get(), "source", e.source);
  const auto err = rd_kafka_producev(
      rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
      RD_KAFKA_V_KEY(e.key.empty() ? nullptr : e.key.data(), e.key.size()),
      RD_KAFKA_V_VALUE(const_cast<char*>(e.payload.data()), e.payload.size()),
      RD_KAFKA_V_HEADERS(headers.get()), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) (void)headers.release();  // the message owns them now
  return err;
}

Event decode(rd_kafka_message_t& m, const std::string& topic) {
  rd_kafka_headers_t* headers = nullptr;  // owned by the message
  if (rd_kafka_message_headers(&m, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) headers = nullptr;
  Event e;
  e.id = header(headers, "id");
  e.type = header(headers, "type");
  e.time_ms = to_int(header(headers, "time"));
  e.source = header(headers, "source");
  e.topic = topic;
  if (m.key) e.key.assign(static_cast<const char*>(m.key), m.key_len);
  if (m.payload) e.payload.assign(static_cast<const char*>(m.payload), m.len);
  return e;
}

}  // namespace hexa::kafka
