#include "hexa/runtime/fault_injection.hpp"

#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <memory>
#include <stdexcept>
#include <vector>

namespace hexa {

FaultOptions FaultOptions::from(const Config& config) {
  FaultOptions o;
  const std::string delay = config.get("fault.delay-ms", "0");
  const auto dash = delay.find('-', 1);
  try {
    o.delay_min_ms = std::stoll(delay.substr(0, dash));
    o.delay_max_ms = dash == std::string::npos ? o.delay_min_ms : std::stoll(delay.substr(dash + 1));
  } catch (const std::exception&) {
    throw std::runtime_error(fmt::format("fault.delay-ms must be N or MIN-MAX milliseconds, got '{}'", delay));
  }
  if (o.delay_min_ms < 0 || o.delay_max_ms < o.delay_min_ms)
    throw std::runtime_error(fmt::format("fault.delay-ms range is invalid: '{}'", delay));
  o.error_rate = config.get_double("fault.error-rate", 0);
  if (o.error_rate < 0 || o.error_rate > 1) throw std::runtime_error("fault.error-rate must be within 0..1");
  o.error_status = static_cast<int>(config.get_int("fault.error-status", 500));
  if (o.error_status < 400 || o.error_status > 599) throw std::runtime_error("fault.error-status must be within 400..599");
  o.capacity = static_cast<int>(config.get_int("fault.capacity", 0));
  if (o.capacity < 0) throw std::runtime_error("fault.capacity must not be negative");
  o.answer_delay_ms = config.get_int("fault.answer-delay-ms", 0);
  return o;
}

FaultInjector::FaultInjector(FaultOptions options, std::function<void(std::function<void()>)> run_on_workers)
    : options_(options), run_on_workers_(std::move(run_on_workers)), keep_alive_(timers_.get_executor()),
      timer_thread_([this] { timers_.run(); }) {}

FaultInjector::~FaultInjector() {
  keep_alive_.reset();
  timers_.stop();
  timer_thread_.join();
}

FaultOptions FaultInjector::options() const {
  std::lock_guard lock(mutex_);
  return options_;
}

void FaultInjector::update(FaultOptions options) {
  std::vector<Handle> admitted;
  {
    std::lock_guard lock(mutex_);
    options_ = options;
    while (!waiting_.empty() && (options_.capacity == 0 || active_ < options_.capacity)) {
      admitted.push_back(std::move(waiting_.front()));
      waiting_.pop_front();
      ++active_;
    }
  }
  for (auto& h : admitted) admit(std::move(h));
}

std::int64_t FaultInjector::next_delay_ms() {
  std::lock_guard lock(mutex_);
  std::uniform_int_distribution<std::int64_t> d(options_.delay_min_ms, options_.delay_max_ms);
  return d(random_);
}

void FaultInjector::submit(Handle handle) {
  {
    std::lock_guard lock(mutex_);
    if (options_.capacity > 0 && active_ >= options_.capacity) {
      waiting_.push_back(std::move(handle));  // waits its turn, like a full thread pool's queue
      return;
    }
    ++active_;
  }
  admit(std::move(handle));
}

void FaultInjector::admit(Handle handle) {
  bool error = false;
  {
    std::lock_guard lock(mutex_);
    error = std::uniform_real_distribution<double>(0, 1)(random_) < options_.error_rate;
  }
  auto go = [this, handle = std::move(handle), error] {
    run_on_workers_([this, handle, error] { handle(error, [this] { release(); }); });
  };
  const auto delay = next_delay_ms();
  if (delay <= 0) {
    go();
    return;
  }
  auto timer = std::make_shared<boost::asio::steady_timer>(timers_, std::chrono::milliseconds(delay));
  timer->async_wait([timer, go = std::move(go)](const boost::system::error_code&) { go(); });
}

void FaultInjector::answer(std::function<void()> send) {
  const auto delay = options().answer_delay_ms;
  if (delay <= 0) {
    send();
    return;
  }
  auto timer = std::make_shared<boost::asio::steady_timer>(timers_, std::chrono::milliseconds(delay));
  timer->async_wait([timer, send = std::move(send)](const boost::system::error_code&) { send(); });
}

void FaultInjector::release() {
  Handle next;
  {
    std::lock_guard lock(mutex_);
    if (waiting_.empty()) {
      --active_;
      return;
    }
    next = std::move(waiting_.front());
    waiting_.pop_front();
  }
  admit(std::move(next));
}

}  // namespace hexa
