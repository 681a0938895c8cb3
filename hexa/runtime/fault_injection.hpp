#pragma once
// Faults injected into a service's own request handling, for experiments and tests (off by
// default): `fault.delay-ms` (FAULT_DELAY_MS, "400" or "400-620") added to each request on a
// timer, holding no thread; `fault.error-rate` (FAULT_ERROR_RATE, 0..1) answered with
// `fault.error-status` (FAULT_ERROR_STATUS, 500 unless set: a 4xx stands for a callee that
// refuses, as a caller's saga must then compensate);
// `fault.capacity` (FAULT_CAPACITY) requests handled at once, the rest wait their turn, as a
// saturated thread pool in the seeds' Spring services did; `fault.answer-delay-ms`
// (FAULT_ANSWER_DELAY_MS) holds the answer back after the work was done, so a caller times out
// on work that did complete.
#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <deque>
#include <functional>
#include <mutex>
#include <random>
#include <thread>

#include "hexa/config/config.hpp"

namespace hexa {

struct FaultOptions {
  std::int64_t delay_min_ms = 0;
  std::int64_t delay_max_ms = 0;
  double error_rate = 0;
  int error_status = 500;
  int capacity = 0;  // 0: unlimited
  std::int64_t answer_delay_ms = 0;
  bool active() const { return delay_max_ms > 0 || error_rate > 0 || capacity > 0 || answer_delay_ms > 0; }
  static FaultOptions from(const Config& config);  // throws std::runtime_error on bad values
};

class FaultInjector {
 public:
  // `run_on_workers` hands a job to the service's blocking workers.
  FaultInjector(FaultOptions options, std::function<void(std::function<void()>)> run_on_workers);
  ~FaultInjector();

  // Calls `handle(inject_error)` once admitted and delayed; `handle` must call `done` when its
  // answer is sent, to let the next waiting request in.
  using Handle = std::function<void(bool inject_error, std::function<void()> done)>;
  void submit(Handle handle);
  // Runs `send` after the configured answer delay, on the timer thread (holding no worker).
  void answer(std::function<void()> send);
  FaultOptions options() const;
  // Changes the faults at run time (the experiment's knob: POST /actuator/faults when
  // fault.control-enabled is true, as Chaos Monkey for Spring Boot offers).
  void update(FaultOptions options);

 private:
  void admit(Handle handle);
  void release();
  std::int64_t next_delay_ms();

  FaultOptions options_;
  std::function<void(std::function<void()>)> run_on_workers_;
  mutable std::mutex mutex_;
  int active_ = 0;
  std::deque<Handle> waiting_;
  std::mt19937_64 random_{std::random_device{}()};
  boost::asio::io_context timers_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_alive_;
  std::thread timer_thread_;
};

}  // namespace hexa
