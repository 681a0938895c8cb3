#pragma once
// This process's right to write to one SQLite file: one holder at a time, and a waiting
// writer wakes as soon as it is freed (rather than sleeping in SQLite's busy handler).
// A semaphore, not a mutex: a transaction may begin on one thread and end on another (handed
// to a worker), and a mutex must be unlocked by the thread that locked it.
#include <chrono>
#include <semaphore>
#include <string>
#include <utility>

#include "hexa/model/errors.hpp"

namespace hexa::sqlite {

class WriteSlot {
 public:
  // Frees the slot when it dies (on whichever thread).
  class Held {
   public:
    Held() = default;
    explicit Held(std::binary_semaphore& slot) : slot_(&slot) {}
    Held(Held&& other) noexcept : slot_(std::exchange(other.slot_, nullptr)) {}
    Held& operator=(Held&& other) noexcept {
      if (this != &other) {
        release();
        slot_ = std::exchange(other.slot_, nullptr);
      }
      return *this;
    }
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;
    ~Held() { release(); }
    bool held() const { return slot_ != nullptr; }

   private:
    void release() {
      if (slot_) slot_->release();
      slot_ = nullptr;
    }
    std::binary_semaphore* slot_ = nullptr;
  };

  // Bounded: a thread that begins a second write transaction while holding one would
  // otherwise wait forever; it gets Unavailable, as another process's writer would cause.
  Held acquire(std::chrono::milliseconds timeout) {
    if (!free_.try_acquire_for(timeout))
      throw Unavailable("the store's write lock stayed busy for " + std::to_string(timeout.count()) + " ms");
    return Held(free_);
  }

 private:
  std::binary_semaphore free_{1};
};

}  // namespace hexa::sqlite
