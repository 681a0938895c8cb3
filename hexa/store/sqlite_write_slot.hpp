#pragma once
// This process's right to write to one SQLite file: one holder at a time, handed to waiting
// writers in arrival order. FIFO matters: a thread committing in a tight loop would otherwise
// take the slot back before a waiting thread (the outbox relay) wakes up, and starve it.
// Not a mutex: a transaction may begin on one thread and end on another (handed to a worker),
// and a mutex must be unlocked by the thread that locked it.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <utility>

namespace hexa::sqlite {

class WriteSlot {
 public:
  // Frees the slot (or hands it to the next waiter) when it dies, on whichever thread.
  class Held {
   public:
    Held() = default;
    explicit Held(WriteSlot& slot) : slot_(&slot) {}
    Held(Held&& other) noexcept : slot_(std::exchange(other.slot_, nullptr)) {}
    Held& operator=(Held&& other) noexcept {
      if (this != &other) {
        reset();
        slot_ = std::exchange(other.slot_, nullptr);
      }
      return *this;
    }
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;
    ~Held() { reset(); }
    bool held() const { return slot_ != nullptr; }

   private:
    void reset() {
      if (slot_) slot_->release();
      slot_ = nullptr;
    }
    WriteSlot* slot_ = nullptr;
  };

  // Throws hexa::Unavailable after `timeout`. Bounded: a thread that begins a second write
  // transaction while holding one would otherwise wait forever.
  Held acquire(std::chrono::milliseconds timeout);

 private:
  struct Waiter {
    std::condition_variable granted_cv;
    bool granted = false;
  };
  void release();

  std::mutex mutex_;
  bool held_ = false;
  std::deque<Waiter*> waiters_;  // each lives on its waiting thread's stack
};

}  // namespace hexa::sqlite
