// A service handling one saga event as a real process, for tests/unit/policies_crash_test:
//   saga_runner <store-url> <callee-file> <event-id> <die-at>
// The saga: take stock (local) -> issue a coupon (remote: appends its idempotency key to
// <callee-file>, as a callee that acts) -> start delivery (local). <die-at> kills the process
// (SIGKILL, as kill -9) at one point: in-local (before its commit), after-local (its commit
// done), after-call (the callee acted, nothing after committed), in-then (before its commit),
// or none: handles the event, retries what is parked until nothing is, and exits 0.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include "hexa/domain.hpp"
#include "hexa/events/payload.hpp"
#include "hexa/runtime/policies.hpp"
#include "hexa/store/store.hpp"

namespace {

struct Note {
  static constexpr std::string_view name = "Note";
  std::int64_t id = 0;
  std::string text;
  static hexa::Fields<Note> fields() { return {hexa::field("id", &Note::id), hexa::field("text", &Note::text)}; }
};

struct OrderPlaced {
  static constexpr std::string_view name = "OrderPlaced";
  static constexpr std::string_view key = "orderId";
  std::int64_t orderId = 0;
  static hexa::Fields<OrderPlaced> fields() { return {hexa::field("orderId", &OrderPlaced::orderId)}; }
};

void die_if(const std::string& die_at, const char* here) {
  if (die_at == here) ::raise(SIGKILL);
}

void note(hexa::UnitOfWork& uow, const std::string& text) {
  Note n{0, text};
  uow.add(n);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: saga_runner <store-url> <callee-file> <event-id> <die-at>\n";
    return 2;
  }
  const std::string callee_file = argv[2], event_id = argv[3], die_at = argv[4];
  auto store = hexa::open_store(argv[1]);
  store->migrate(hexa::model_of<Note>().schema);
  hexa::Transactor tx(*store, {"shop", "events"}, nullptr);
  hexa::PolicyOptions options;
  options.initial_ms = 1;
  options.max_ms = 10;
  hexa::Policies policies("shop", options);
  policies.migrate(*store);
  auto plan = std::make_shared<hexa::StepPlan>();
  policies.add_steps("OrderPlaced", plan);
  hexa::When<OrderPlaced>(plan)
      .local([&](const OrderPlaced&, hexa::UnitOfWork& uow) {
        note(uow, "stock taken");
        die_if(die_at, "in-local");
      })
      .call([&](const OrderPlaced&, const hexa::StepContext& s) {
        die_if(die_at, "after-local");
        std::ofstream(callee_file, std::ios::app) << s.idempotency_key << "\n" << std::flush;
        die_if(die_at, "after-call");
        return std::string("C-1");
      })
      .then([&](const OrderPlaced&, const std::string& coupon, hexa::UnitOfWork& uow) {
        note(uow, "delivery with " + coupon);
        die_if(die_at, "in-then");
      });
  const auto time = hexa::now_ms();
  const hexa::Event e{event_id, "OrderPlaced", time, "1", "order", "events",
                      hexa::encode_payload("OrderPlaced", time, hexa::to_record(OrderPlaced{1}))};
  policies.handle(std::span<const hexa::Event>(&e, 1), tx);  // the bus delivers it (again)
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (policies.waiting(tx) > 0) {
    if (std::chrono::steady_clock::now() > until) return 1;
    policies.retry_parked(tx);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return 0;
}
