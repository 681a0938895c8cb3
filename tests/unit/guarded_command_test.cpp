// Guarded commands: a PATCH command that needs another service's yes (reservation -> payment),
// with the guarantees of guarded creation. The callee is a lambda.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <thread>

#include "support/eventually.hpp"
#include "support/resource_harness.hpp"

namespace {

struct Reservation {
  static constexpr std::string_view name = "Reservation";
  std::int64_t reservationNumber = 0;
  std::int64_t roomNumber = 0;
  std::int64_t paymentPrice = 0;
  std::string reserveStatus = "reserve";
  static hexa::Fields<Reservation> fields() {
    return {hexa::field("reservationNumber", &Reservation::reservationNumber, {.key = true}),
            hexa::field("roomNumber", &Reservation::roomNumber, {.required = true}),
            hexa::field("paymentPrice", &Reservation::paymentPrice),
            hexa::field("reserveStatus", &Reservation::reserveStatus, {.read_only = true})};
  }
  void paid() {
    if (reserveStatus != "reserve") throw hexa::Conflict("only a reservation in 'reserve' can be paid");
    reserveStatus = "paymentComp";
  }
  void cancel() {
    if (reserveStatus == "cancel") throw hexa::Conflict("already cancelled");
    reserveStatus = "cancel";
  }
};
using PaymentCompleted = hexa::EventOf<Reservation, "PaymentCompleted", "reservationNumber">;
using ReservationCanceled = hexa::EventOf<Reservation, "ReservationCanceled", "reservationNumber">;

using hexa::http::Verb;
using Clock = std::chrono::steady_clock;

// The payment service, faked: what it was asked and what it answers.
struct FakePayments {
  std::function<void(const Reservation&)> answer = [](const Reservation&) {};
  std::atomic<int> asked{0};
  std::mutex mutex;
  std::set<std::int64_t> paid;  // reservations the callee acted for
  bool has(std::int64_t n) {
    std::lock_guard lock(mutex);
    return paid.contains(n);
  }
  void take(std::int64_t n) {
    std::lock_guard lock(mutex);
    paid.insert(n);
  }
};

hexa::rest::ResourceSpec reservations(FakePayments& payments, std::int64_t timeout_ms = 5000) {
  hexa::rest::ResourceSpec spec;
  hexa::Resource<Reservation>(spec)
      .command("reserveStatus", "payment")
      .guarded_by({.confirm = [&payments](const Reservation& r, std::int64_t) {
                     ++payments.asked;
                     payments.answer(r);
                   },
                   .confirmed = [&payments](const Reservation& r) -> std::optional<bool> {
                     return payments.has(r.reservationNumber);
                   },
                   .then = [](Reservation& r, hexa::UnitOfWork& uow) {
                     r.paid();
                     uow.raise(hexa::copy_fields<PaymentCompleted>(r));
                   },
                   .fallback = "payment is busy, please try again later",
                   .timeout_ms = timeout_ms})
      .command("reserveStatus", "cancel", [](Reservation& r, hexa::UnitOfWork& uow) {
        r.cancel();
        uow.raise(hexa::copy_fields<ReservationCanceled>(r));
      });
  return spec;
}

class GuardedCommandTest : public hexa::testing::ResourceHarness {
 protected:
  std::string status_of(int n) {
    return call(Verb::get, "/reservations/" + std::to_string(n)).json()["reserveStatus"].get<std::string>();
  }
  void reserve() { ASSERT_EQ(call(Verb::post, "/reservations", R"({"roomNumber":1,"paymentPrice":100})").status, 201); }
  hexa::testing::Answer pay(int n = 1) {
    return call(Verb::patch, "/reservations/" + std::to_string(n), R"({"reserveStatus":"payment"})");
  }
  FakePayments payments_;
};

TEST_F(GuardedCommandTest, TheCalleesYesChangesTheStateOnce) {
  payments_.answer = [this](const Reservation& r) { payments_.take(r.reservationNumber); };
  serve(reservations(payments_));
  reserve();
  auto paid = pay();
  ASSERT_EQ(paid.status, 200) << paid.body;
  EXPECT_EQ(paid.json()["reserveStatus"], "paymentComp");
  EXPECT_EQ(payments_.asked, 1);
  EXPECT_EQ(outbox_types(), std::vector<std::string>{"PaymentCompleted"});
  auto again = pay();
  EXPECT_EQ(again.status, 409) << "the domain refuses before the callee is asked: " << again.body;
  EXPECT_EQ(payments_.asked, 1);
}

TEST_F(GuardedCommandTest, CalleeDownIsAFast503AndNothingChanges) {
  payments_.answer = [](const Reservation&) { throw hexa::Unavailable("circuit breaker for payment is open", 3); };
  serve(reservations(payments_));
  reserve();
  const auto started = Clock::now();
  auto refused = pay();
  EXPECT_LT(Clock::now() - started, std::chrono::milliseconds(200));
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.body, "payment is busy, please try again later");
  EXPECT_EQ(refused.retry_after, "3");
  EXPECT_EQ(status_of(1), "reserve");
  EXPECT_EQ(outbox_size(), 0u);
  payments_.answer = [this](const Reservation& r) { payments_.take(r.reservationNumber); };
  EXPECT_EQ(pay().status, 200) << "nothing was left pending";
}

TEST_F(GuardedCommandTest, ACalleeRefusalIsAnsweredAndNothingChanges) {
  payments_.answer = [](const Reservation&) { throw hexa::Conflict("card declined"); };
  serve(reservations(payments_));
  reserve();
  auto refused = pay();
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(refused.body, "card declined");
  EXPECT_EQ(status_of(1), "reserve");
  EXPECT_EQ(call(Verb::patch, "/reservations/1", R"({"reserveStatus":"cancel"})").status, 200) << "no marker left";
}

TEST_F(GuardedCommandTest, ADomainRefusalComesBeforeTheCalleeIsAsked) {
  serve(reservations(payments_));
  reserve();
  ASSERT_EQ(call(Verb::patch, "/reservations/1", R"({"reserveStatus":"cancel"})").status, 200);
  EXPECT_EQ(pay().status, 409);
  EXPECT_EQ(payments_.asked, 0) << "no payment for a cancelled reservation";
  EXPECT_EQ(outbox_types(), std::vector<std::string>{"ReservationCanceled"});
}

TEST_F(GuardedCommandTest, ASecondCommandWhileOneIsPendingIs409) {
  std::latch asked(1), release(1);
  payments_.answer = [&](const Reservation& r) {
    asked.count_down();
    release.wait();
    payments_.take(r.reservationNumber);
  };
  serve(reservations(payments_));
  reserve();
  auto first = std::async(std::launch::async, [this] { return pay(); });
  asked.wait();
  EXPECT_EQ(pay().status, 409);
  auto cancel = call(Verb::patch, "/reservations/1", R"({"reserveStatus":"cancel"})");
  EXPECT_EQ(cancel.status, 409) << cancel.body;
  EXPECT_EQ(call(Verb::get, "/reservations/1").status, 200) << "reads go on";
  release.count_down();
  EXPECT_EQ(first.get().status, 200);
  EXPECT_EQ(payments_.asked, 1);
  EXPECT_EQ(status_of(1), "paymentComp");
}

TEST_F(GuardedCommandTest, AnUnknownOutcomeIsSettledByTheReconciler) {
  // Reservation 1: the payment went through but the answer was lost. Reservation 2: it did not.
  payments_.answer = [this](const Reservation& r) {
    if (r.reservationNumber == 1) payments_.take(1);
    throw hexa::Uncertain("payment did not answer in time");
  };
  auto& core = serve(reservations(payments_, 0));
  reserve();
  reserve();
  EXPECT_EQ(pay(1).status, 503);
  EXPECT_EQ(pay(2).status, 503);
  EXPECT_EQ(status_of(1), "reserve");
  EXPECT_EQ(pay(1).status, 409) << "pending: not asked twice";
  EXPECT_EQ(payments_.asked, 2);
  int settled = 0;
  ASSERT_TRUE(hexa::testing::eventually([&] { return (settled += core.reconcile()) >= 2; }, std::chrono::seconds(5)));
  EXPECT_EQ(status_of(1), "paymentComp");
  EXPECT_EQ(status_of(2), "reserve");
  EXPECT_EQ(outbox_types(), std::vector<std::string>{"PaymentCompleted"});
  payments_.answer = [this](const Reservation& r) { payments_.take(r.reservationNumber); };
  EXPECT_EQ(pay(2).status, 200) << "the cleared one can be paid again";
}

TEST_F(GuardedCommandTest, ACrashBetweenTheCallAndTheChangeIsSettledAfterRestart) {
  // The callee acts, then the caller dies before its change commits: the marker is all that is left.
  struct Killed : std::exception {};
  payments_.answer = [this](const Reservation& r) {
    payments_.take(r.reservationNumber);
    throw Killed{};
  };
  serve(reservations(payments_, 0));
  reserve();
  EXPECT_EQ(pay().status, 503);
  restart();
  FakePayments& after = payments_;
  auto& core = serve(reservations(after, 0));
  EXPECT_EQ(status_of(1), "reserve");
  ASSERT_TRUE(hexa::testing::eventually([&] { return core.reconcile() == 1; }, std::chrono::seconds(5)));
  EXPECT_EQ(status_of(1), "paymentComp");
  EXPECT_EQ(outbox_types(), std::vector<std::string>{"PaymentCompleted"}) << "one payment, one state change";
  EXPECT_EQ(core.reconcile(), 0);
}

TEST_F(GuardedCommandTest, TheSeedsPostAndAPutRunItToo) {
  payments_.answer = [this](const Reservation& r) { payments_.take(r.reservationNumber); };
  auto spec = reservations(payments_);
  hexa::Resource<Reservation>(spec).post_updates_by_key().put_runs_commands();
  serve(std::move(spec));
  reserve();
  reserve();
  auto posted = call(Verb::post, "/reservations",
                     R"({"reservationNumber":1,"reserveStatus":"payment","roomNumber":1,"paymentPrice":100})");
  ASSERT_EQ(posted.status, 200) << posted.body;
  EXPECT_EQ(posted.json()["reserveStatus"], "paymentComp");
  auto put = call(Verb::put, "/reservations/2", R"({"reserveStatus":"payment","roomNumber":1,"paymentPrice":100})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json()["reserveStatus"], "paymentComp");
  EXPECT_EQ(payments_.asked, 2);
}

TEST_F(GuardedCommandTest, ARetryWithTheSameIdempotencyKeyGetsTheFirstAnswer) {
  payments_.answer = [this](const Reservation& r) { payments_.take(r.reservationNumber); };
  serve(reservations(payments_));
  reserve();
  const std::vector<std::pair<std::string, std::string>> key{{"Idempotency-Key", "pay-1"}};
  auto first = call(Verb::patch, "/reservations/1", R"({"reserveStatus":"payment"})", key);
  auto retry = call(Verb::patch, "/reservations/1", R"({"reserveStatus":"payment"})", key);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(retry.body, first.body);
  EXPECT_EQ(payments_.asked, 1);
}

TEST_F(GuardedCommandTest, AGuardedCommandIsSentAlone) {
  serve(reservations(payments_));
  reserve();
  auto both = call(Verb::patch, "/reservations/1", R"({"reserveStatus":"payment","paymentPrice":5})");
  EXPECT_EQ(both.status, 400) << both.body;
  EXPECT_EQ(payments_.asked, 0);
  payments_.answer = [this](const Reservation& r) { payments_.take(r.reservationNumber); };
  auto same = call(Verb::patch, "/reservations/1", R"({"reserveStatus":"payment","paymentPrice":100})");
  EXPECT_EQ(same.status, 200) << "unchanged fields may come along: " << same.body;
}

}  // namespace
