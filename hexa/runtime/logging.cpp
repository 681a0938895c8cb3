#include "hexa/runtime/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace hexa {

namespace {
thread_local std::string current_key;  // the MDC of this thread: which business case

class KeyFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    const std::string& k = current_key.empty() ? std::string("-") : current_key;
    dest.append(k.data(), k.data() + k.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<KeyFlag>(); }
};
}  // namespace

void setup_logging(const std::string& instance, const std::string& level) {
  auto logger = spdlog::stdout_logger_mt(instance);
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<KeyFlag>('K').set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %n key=%K %v");
  logger->set_formatter(std::move(formatter));
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

CorrelationScope::CorrelationScope(std::string key) : previous_(std::move(current_key)) {
  current_key = std::move(key);
}
CorrelationScope::~CorrelationScope() { current_key = std::move(previous_); }
const std::string& CorrelationScope::current() { return current_key; }

}  // namespace hexa
