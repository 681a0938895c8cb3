#pragma once
// A bulkhead: at most max_concurrent calls to one dependency at a time, so a slow dependency
// cannot tie up every thread of the service. A call that finds it full is refused at once
// (resilience4j's SemaphoreBulkhead with maxWaitDuration = 0): queueing would only move the
// wait somewhere less visible.
#include <atomic>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <utility>

namespace hexa::resilience {

class Bulkhead {
 public:
  // Proof of a place in the bulkhead; gives it back when destroyed. Must not outlive its
  // Bulkhead.
  class Permit {
   public:
    Permit(Permit&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
    Permit& operator=(Permit&& other) noexcept {
      if (this != &other) {
        leave();
        owner_ = std::exchange(other.owner_, nullptr);
      }
      return *this;
    }
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit() { leave(); }

   private:
    friend class Bulkhead;
    explicit Permit(Bulkhead& owner) : owner_(&owner) {}
    void leave() noexcept;

    Bulkhead* owner_;  // not owning: null once moved from
  };

  // 0 is allowed and refuses everything: a way to switch a dependency off.
  explicit Bulkhead(int max_concurrent) : max_(max_concurrent) {
    if (max_concurrent < 0) throw std::invalid_argument("bulkhead: max_concurrent must not be negative");
  }
  Bulkhead(const Bulkhead&) = delete;  // permits point at it
  Bulkhead& operator=(const Bulkhead&) = delete;

  // A permit, or nullopt (counted as refused) when max_concurrent calls are already in.
  std::optional<Permit> try_enter() {
    int current = in_flight_.load(std::memory_order_relaxed);
    do {
      if (current >= max_) {
        refused_.fetch_add(1, std::memory_order_relaxed);
        return std::nullopt;
      }
    } while (!in_flight_.compare_exchange_weak(current, current + 1, std::memory_order_acquire,
                                               std::memory_order_relaxed));
    return Permit(*this);
  }

  int in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  std::uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }
  int max_concurrent() const { return max_; }

 private:
  const int max_;
  std::atomic<int> in_flight_{0};
  std::atomic<std::uint64_t> refused_{0};
};

inline void Bulkhead::Permit::leave() noexcept {
  if (owner_) owner_->in_flight_.fetch_sub(1, std::memory_order_release);
  owner_ = nullptr;
}

}  // namespace hexa::resilience
