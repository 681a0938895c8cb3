// Policies: retry versus drop made explicit, order per key behind a parked event, remote steps
// outside any transaction, sagas with undo and progress that survives a restart. On a real
// SQLite store, driven as the bus drives them (Policies::handle), the retrier by hand.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include "hexa/domain.hpp"
#include "hexa/events/payload.hpp"
#include "hexa/runtime/policies.hpp"
#include "hexa/store/store.hpp"
#include "support/eventually.hpp"

namespace {

using namespace std::chrono_literals;
using hexa::testing::eventually;

// What the policies under test leave behind: one row per effect.
struct Note {
  static constexpr std::string_view name = "Note";
  std::int64_t id = 0;
  std::string caseId;
  std::string text;
  static hexa::Fields<Note> fields() {
    return {hexa::field("id", &Note::id), hexa::field("caseId", &Note::caseId, {.indexed = true}),
            hexa::field("text", &Note::text)};
  }
};

struct Happened {
  static constexpr std::string_view name = "Happened";
  static constexpr std::string_view key = "caseId";
  std::string caseId;
  std::string text;
  static hexa::Fields<Happened> fields() {
    return {hexa::field("caseId", &Happened::caseId), hexa::field("text", &Happened::text)};
  }
};

struct Coupon {
  std::string code;
};

class PoliciesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("hexa-policies-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
            std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    open();
  }
  void TearDown() override {
    tx_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void open() {  // as a restarted process does
    tx_.reset();
    store_ = hexa::open_store("sqlite:" + (dir_ / "service.db").string());
    store_->migrate(hexa::model_of<Note>().schema);
    store_->migrate(hexa::ParkedEvents::schema());
    tx_ = std::make_unique<hexa::Transactor>(*store_, hexa::EventSource{"svc", "events"}, nullptr);
  }
  static hexa::PolicyOptions fast() {
    hexa::PolicyOptions o;
    o.initial_ms = 1;
    o.max_ms = 4;
    return o;
  }
  static hexa::Event event(const std::string& key, const std::string& text) {
    const auto time = hexa::now_ms();
    return {hexa::new_event_id(), "Happened", time, key, "elsewhere", "events",
            hexa::encode_payload("Happened", time, hexa::to_record(Happened{key, text}))};
  }
  static void note(const Happened& e, hexa::UnitOfWork& uow) {
    Note n{0, e.caseId, e.text};
    uow.add(n);
  }
  std::vector<std::string> notes(const std::string& key = {}) {
    return tx_->read([&](hexa::UnitOfWork& uow) {
      std::vector<std::string> out;
      auto rows = key.empty() ? uow.transaction().select(hexa::model_of<Note>().schema, {})
                              : uow.transaction().select(hexa::model_of<Note>().schema, {{{"caseId", key}}});
      for (const auto& r : rows) out.push_back(std::get<std::string>(r.at("text")));
      return out;
    });
  }
  std::size_t handle(hexa::Policies& p, const std::vector<hexa::Event>& events) {
    return p.handle(std::span<const hexa::Event>(events), *tx_);
  }
  // Retries what is due until nothing is parked, within a bound.
  bool drain(hexa::Policies& p) {
    return eventually([&] {
      p.retry_parked(*tx_);
      return p.waiting(*tx_) == 0;
    }, 5s);
  }

  std::filesystem::path dir_;
  std::unique_ptr<hexa::Store> store_;
  std::unique_ptr<hexa::Transactor> tx_;
};

// A policy on a plain when<E>(fn), as Service::when registers it.
void plain(hexa::Policies& p, std::function<void(const Happened&, hexa::UnitOfWork&)> fn) {
  p.add("Happened", [fn](const hexa::Record& r, hexa::UnitOfWork& uow) { fn(hexa::from_record<Happened>(r), uow); });
}

hexa::When<Happened> steps(hexa::Policies& p) {
  auto plan = std::make_shared<hexa::StepPlan>();
  p.add_steps("Happened", plan);
  return hexa::When<Happened>(plan);
}

}  // namespace

TEST(PolicyOptions, BackoffDoublesUpToTheMaximumAndReadsConfig) {
  const auto config = hexa::Config::from_string(
      "events:\n  retry:\n    initial-ms: 100\n    max-ms: 500\n    max-attempts: 4\n", {},
      [](const std::string&) { return std::nullopt; });
  const auto o = hexa::PolicyOptions::from(config);
  EXPECT_EQ(o.max_attempts, 4);
  EXPECT_EQ(o.backoff_ms(1), 100);
  EXPECT_EQ(o.backoff_ms(2), 200);
  EXPECT_EQ(o.backoff_ms(3), 400);
  EXPECT_EQ(o.backoff_ms(4), 500);
  EXPECT_EQ(o.backoff_ms(60), 500);
  const auto defaults = hexa::PolicyOptions::from(
      hexa::Config::from_string("{}", {}, [](const std::string&) { return std::nullopt; }));
  EXPECT_EQ(defaults.initial_ms, 200);
  EXPECT_EQ(defaults.max_ms, 30000);
  EXPECT_EQ(defaults.max_attempts, 0) << "forever";
}

TEST_F(PoliciesTest, AnUnavailableCalleeParksTheEventUntilItIsBackNeverDropsIt) {
  hexa::Policies p("svc", fast());
  std::atomic<bool> down{true};
  plain(p, [&](const Happened& e, hexa::UnitOfWork& uow) {
    if (down) throw hexa::Unavailable("delivery is down");
    note(e, uow);
  });
  const auto e = event("1", "a");
  EXPECT_EQ(handle(p, {e}), 1u) << "parked: the bus may move on";
  EXPECT_EQ(p.waiting(*tx_), 1);
  EXPECT_TRUE(notes().empty());
  p.retry_parked(*tx_);  // still down: stays parked, retried later
  EXPECT_EQ(p.waiting(*tx_), 1);
  down = false;
  ASSERT_TRUE(drain(p));
  EXPECT_EQ(notes(), std::vector<std::string>{"a"});
  EXPECT_EQ(handle(p, {e}), 1u);  // the bus redelivers it (a crash before its position moved)
  EXPECT_EQ(notes(), std::vector<std::string>{"a"}) << "handled once";
  EXPECT_EQ(p.refused(), 0u);
}

TEST_F(PoliciesTest, LaterEventsOfAParkedKeyWaitBehindItInOrderWhileOtherKeysFlowOn) {
  hexa::Policies p("svc", fast());
  std::atomic<bool> down{true};
  plain(p, [&](const Happened& e, hexa::UnitOfWork& uow) {
    if (e.caseId == "1" && down) throw hexa::Uncertain("no answer in time");
    note(e, uow);
  });
  // In one batch, as the bus hands them over: key 1 fails first; its later events must wait.
  EXPECT_EQ(handle(p, {event("1", "a"), event("2", "x"), event("1", "b")}), 3u);
  EXPECT_EQ(handle(p, {event("1", "c"), event("2", "y")}), 2u);
  EXPECT_EQ(notes("2"), (std::vector<std::string>{"x", "y"})) << "another key is not held up";
  EXPECT_TRUE(notes("1").empty()) << "b and c must not overtake a";
  EXPECT_EQ(p.waiting(*tx_), 3);
  down = false;
  ASSERT_TRUE(drain(p));
  EXPECT_EQ(notes("1"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(handle(p, {event("1", "d")}), 1u);
  EXPECT_EQ(notes("1").back(), "d") << "once the queue is empty the key flows directly again";
}

TEST_F(PoliciesTest, ADomainRefusalIsFinalLoggedAndCounted) {
  hexa::Policies p("svc", fast());
  int calls = 0;
  plain(p, [&](const Happened&, hexa::UnitOfWork&) {
    ++calls;
    throw hexa::Conflict("already cancelled");
  });
  const auto e = event("1", "a");
  EXPECT_EQ(handle(p, {e, event("2", "b")}), 2u);
  EXPECT_EQ(p.refused(), 2u);
  EXPECT_EQ(p.waiting(*tx_), 0) << "not parked: asking again cannot change a refusal";
  calls = 0;
  EXPECT_EQ(handle(p, {e}), 1u);
  EXPECT_EQ(calls, 0) << "recorded as handled";
}

TEST_F(PoliciesTest, ABugSuchAsAMisspeltFieldIsParkedLoudlyNotDropped) {
  hexa::Policies p("svc", fast());
  bool fixed = false;
  plain(p, [&](const Happened& e, hexa::UnitOfWork& uow) {
    if (!fixed) throw std::logic_error("Note has no field 'casId'");
    note(e, uow);
  });
  EXPECT_EQ(handle(p, {event("1", "a")}), 1u);
  EXPECT_EQ(p.waiting(*tx_), 1);
  EXPECT_EQ(p.refused(), 0u);
  fixed = true;  // a fixed build restarted: the event is still there
  ASSERT_TRUE(drain(p));
  EXPECT_EQ(notes(), std::vector<std::string>{"a"});
}

TEST_F(PoliciesTest, ParkedEventsSurviveARestart) {
  {
    hexa::Policies p("svc", fast());
    plain(p, [](const Happened&, hexa::UnitOfWork&) { throw hexa::Unavailable("down"); });
    EXPECT_EQ(handle(p, {event("1", "a"), event("1", "b")}), 2u);
  }
  open();
  hexa::Policies p("svc", fast());
  plain(p, note);
  EXPECT_EQ(p.waiting(*tx_), 2);
  ASSERT_TRUE(drain(p));
  EXPECT_EQ(notes(), (std::vector<std::string>{"a", "b"}));
}

TEST_F(PoliciesTest, MaxAttemptsGivesUpLoudlyAndLetsTheKeyGoOn) {
  auto o = fast();
  o.max_attempts = 3;
  hexa::Policies p("svc", o);
  int attempts = 0;
  plain(p, [&](const Happened& e, hexa::UnitOfWork& uow) {
    if (e.text == "a") {
      ++attempts;
      throw hexa::Unavailable("down");
    }
    note(e, uow);
  });
  EXPECT_EQ(handle(p, {event("1", "a")}), 1u);  // alone: a batch tried whole first is not an attempt
  EXPECT_EQ(handle(p, {event("1", "b")}), 1u);
  ASSERT_TRUE(drain(p));
  EXPECT_EQ(attempts, 3);
  EXPECT_EQ(p.given_up(), 1u);
  EXPECT_EQ(notes(), std::vector<std::string>{"b"});
}

TEST_F(PoliciesTest, TheRetrierWaitsForTheBackoff) {
  auto o = fast();
  o.initial_ms = 60'000;
  o.max_ms = 60'000;
  hexa::Policies p("svc", o);
  int attempts = 0;
  plain(p, [&](const Happened&, hexa::UnitOfWork&) {
    ++attempts;
    throw hexa::Unavailable("down");
  });
  handle(p, {event("1", "a")});
  p.retry_parked(*tx_);
  EXPECT_EQ(attempts, 1) << "not due for a minute";
}

// --- Remote steps outside the transaction ----------------------------------------------------

TEST_F(PoliciesTest, ARemoteStepRunsWithNoTransactionOpenOtherWritesGoOnAtFullSpeed) {
  hexa::Policies p("svc", fast());
  std::promise<void> calling;
  steps(p)
      .call([&](const Happened&, const hexa::StepContext&) {
        calling.set_value();
        std::this_thread::sleep_for(500ms);  // a slow callee
        return Coupon{"C-1"};
      })
      .then([](const Happened& e, const Coupon& c, hexa::UnitOfWork& uow) {
        Note n{0, e.caseId, c.code};
        uow.add(n);
        uow.raise(Happened{e.caseId, "coupon"});
      });
  const auto e = event("1", "a");
  auto step = std::async(std::launch::async, [&] { return handle(p, {e}); });
  calling.get_future().wait();
  // Meanwhile the service's other writers (requests, other policies) commit as usual.
  const auto started = std::chrono::steady_clock::now();
  auto slowest = std::chrono::steady_clock::duration::zero();
  for (int i = 0; i < 20; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    tx_->write([&](hexa::UnitOfWork& uow) {
      Note n{0, "other", std::to_string(i)};
      uow.add(n);
    });
    slowest = std::max(slowest, std::chrono::steady_clock::now() - t0);
  }
  const auto writes = std::chrono::steady_clock::now() - started;
  // All 20 committed while the step still waits (a call inside a transaction would hold every
  // writer of an SQLite store for its 500 ms); a few ms each, bounded loosely for a busy CI.
  EXPECT_EQ(step.wait_for(0ms), std::future_status::timeout) << "the step is still waiting for its callee";
  EXPECT_LT(writes, 450ms) << "20 writes while the step waits";
  EXPECT_LT(slowest, 200ms);
  EXPECT_EQ(step.get(), 1u);
  EXPECT_EQ(notes("1"), std::vector<std::string>{"C-1"});
  // The local effect, the handled record and the outbox row committed together.
  EXPECT_EQ(store_->outbox_batch(10).size(), 1u);
  EXPECT_EQ(handle(p, {e}), 1u);
  EXPECT_EQ(notes("1").size(), 1u);
}

TEST_F(PoliciesTest, EveryRemoteStepCarriesTheSameIdempotencyKeyOnEveryAttempt) {
  hexa::Policies p("svc", fast());
  std::vector<hexa::StepContext> seen;
  steps(p)
      .call([&](const Happened&, const hexa::StepContext& s) {
        seen.push_back(s);
        if (seen.size() == 1) throw hexa::Uncertain("timed out");
      })
      .then(note);
  const auto e = event("1", "a");
  const auto before = hexa::now_ms();
  handle(p, {e});
  ASSERT_TRUE(drain(p));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].idempotency_key, e.id + ":0");
  EXPECT_EQ(seen[1].idempotency_key, seen[0].idempotency_key);
  EXPECT_GT(seen[0].deadline_ms, before);
  EXPECT_EQ(notes(), std::vector<std::string>{"a"});
}

TEST_F(PoliciesTest, EventsWithRemoteStepsAreHandledOneAtATimeOutsideTransactions) {
  hexa::Policies p("svc", fast());
  std::atomic<int> in_call{0};
  int most = 0;
  steps(p)
      .call([&](const Happened&, const hexa::StepContext&) {
        most = std::max(most, ++in_call);
        // No transaction of this batch is open: a write from here does not wait for one.
        tx_->write([&](hexa::UnitOfWork& uow) {
          Note n{0, "from-call", "x"};
          uow.add(n);
        });
        --in_call;
      })
      .then(note);
  EXPECT_EQ(handle(p, {event("1", "a"), event("2", "b"), event("3", "c")}), 3u);
  EXPECT_EQ(most, 1);
  EXPECT_EQ(notes("from-call").size(), 3u);
  EXPECT_EQ(notes().size(), 6u);
}

// --- Sagas -----------------------------------------------------------------------------------

TEST_F(PoliciesTest, ASagaUndoesItsLocalStepWhenTheRemoteStepIsRefused) {
  hexa::Policies p("svc", fast());
  steps(p)
      .local([](const Happened& e, hexa::UnitOfWork& uow) {
        Note n{0, e.caseId, "stock taken"};
        uow.add(n);
        return true;
      })
      .call([](const Happened&, const hexa::StepContext&) -> Coupon { throw hexa::Refused(409, "no coupons left"); })
      .then([](const Happened& e, const Coupon&, hexa::UnitOfWork& uow) {
        Note n{0, e.caseId, "delivery started"};
        uow.add(n);
      })
      .undo([](const Happened& e, hexa::UnitOfWork& uow) {
        Note n{0, e.caseId, "stock back"};
        uow.add(n);
      });
  const auto e = event("1", "order");
  EXPECT_EQ(handle(p, {e}), 1u);
  EXPECT_EQ(notes(), (std::vector<std::string>{"stock taken", "stock back"}));
  EXPECT_EQ(p.waiting(*tx_), 0);
  EXPECT_EQ(p.refused(), 1u);
  handle(p, {e});
  EXPECT_EQ(notes().size(), 2u) << "handled: nothing again";
}

TEST_F(PoliciesTest, ASagaWhoseCalleeIsDownKeepsItsLocalStepAndResumesAfterARestart) {
  int local_runs = 0;
  const auto e = event("1", "order");
  auto declare = [&](hexa::Policies& p, bool callee_up) {
    steps(p)
        .local([&](const Happened& ev, hexa::UnitOfWork& uow) {
          ++local_runs;
          Note n{0, ev.caseId, "stock taken"};
          uow.add(n);
        })
        .call([callee_up](const Happened&, const hexa::StepContext&) {
          if (!callee_up) throw hexa::Unavailable("marketing is down");
          return Coupon{"C-9"};
        })
        .then([](const Happened& ev, const Coupon& c, hexa::UnitOfWork& uow) {
          Note n{0, ev.caseId, c.code};
          uow.add(n);
        })
        .undo([](const Happened& ev, hexa::UnitOfWork& uow) {
          Note n{0, ev.caseId, "stock back"};
          uow.add(n);
        });
  };
  {
    hexa::Policies p("svc", fast());
    declare(p, false);
    EXPECT_EQ(handle(p, {e}), 1u);
    EXPECT_EQ(p.waiting(*tx_), 1) << "Unavailable is not a refusal: no undo, parked";
    p.retry_parked(*tx_);
  }
  open();  // the process died and came back
  hexa::Policies p("svc", fast());
  declare(p, true);
  ASSERT_TRUE(drain(p));
  EXPECT_EQ(local_runs, 1) << "the local step committed with its progress record: never run twice";
  EXPECT_EQ(notes(), (std::vector<std::string>{"stock taken", "C-9"}));
  handle(p, {e});  // redelivered by the bus
  EXPECT_EQ(local_runs, 1);
  EXPECT_EQ(notes().size(), 2u);
}

TEST_F(PoliciesTest, ACrashAfterTheRemoteStepRepeatsItWithTheSameKeyAndCommitsOnce) {
  std::vector<std::string> keys;
  const auto e = event("1", "order");
  {
    hexa::Policies p("svc", fast());
    steps(p)
        .call([&](const Happened&, const hexa::StepContext& s) { keys.push_back(s.idempotency_key); })
        .then([](const Happened&, hexa::UnitOfWork&) { throw std::runtime_error("killed before commit"); });
    handle(p, {e});
  }
  open();
  hexa::Policies p("svc", fast());
  steps(p).call([&](const Happened&, const hexa::StepContext& s) { keys.push_back(s.idempotency_key); }).then(note);
  ASSERT_TRUE(drain(p));
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0], keys[1]) << "the callee sees the same key and acts once";
  EXPECT_EQ(notes(), std::vector<std::string>{"order"});
}

TEST_F(PoliciesTest, ALocalStepReturningFalseStopsTheSagaHandled) {
  hexa::Policies p("svc", fast());
  int calls = 0;
  steps(p)
      .local([](const Happened& e, hexa::UnitOfWork& uow) {
        note(e, uow);
        return false;  // e.g. out of stock: raised its event, nothing more to do
      })
      .call([&](const Happened&, const hexa::StepContext&) { ++calls; })
      .then(note);
  const auto e = event("1", "a");
  handle(p, {e});
  handle(p, {e});
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(notes().size(), 1u);
}

TEST_F(PoliciesTest, PlainPoliciesKeepTheirBatchAndShareTheStepPolicysLastTransaction) {
  hexa::Policies p("svc", fast());
  plain(p, note);
  EXPECT_EQ(handle(p, {event("1", "a"), event("2", "b"), event("3", "c")}), 3u);
  EXPECT_EQ(notes().size(), 3u);
  EXPECT_THROW(
      {
        steps(p);
        steps(p);
      },
      std::logic_error)
      << "one step policy per event type";
}
