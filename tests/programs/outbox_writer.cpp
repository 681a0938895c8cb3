// A service's write path as a real process, for tests/unit/outbox_crash_test:
//   outbox_writer <store-url> <bus-url> <tag>           commits (row + event) transactions
//                                                       in a loop until killed
//   outbox_writer <store-url> <bus-url> <tag> --drain   only relays what is pending, then exits
// Every 7th transaction adds its row and event and then rolls back: its event must never
// reach the bus. Events carry the row's "eventId" as their id.
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "hexa/events/bus.hpp"
#include "hexa/events/outbox_relay.hpp"
#include "hexa/store/store.hpp"

namespace {

hexa::Schema orders() {
  return {"orders", {{"eventId", hexa::Kind::Text, true}, {"tag", hexa::Kind::Text}, {"n", hexa::Kind::Integer}}};
}

void write_forever(hexa::Store& store, hexa::OutboxRelay& relay, const std::string& tag) {
  for (std::int64_t n = 1;; ++n) {
    auto tx = store.begin();
    const auto id = hexa::new_event_id();
    tx->insert(orders(), {{"eventId", id}, {"tag", tag}, {"n", n}});
    std::string key = "k";
    key += std::to_string(n % 4);
    tx->add_to_outbox({id, "OrderPlaced", hexa::now_ms(), key, "writer", "orders",
                       nlohmann::json{{"n", n}, {"tag", tag}}.dump()});
    if (n % 7 == 0) continue;  // dropped uncommitted: rolled back
    tx->commit();
    relay.notify();
  }
}

// Polls until the relay has emptied the outbox; false after 20 s.
bool drained(hexa::Store& store) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!store.outbox_batch(1).empty()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: outbox_writer <store-url> <bus-url> <tag> [--drain]\n";
    return 2;
  }
  auto store = hexa::open_store(argv[1]);
  store->migrate(orders());
  auto bus = hexa::open_bus(argv[2]);
  hexa::OutboxRelay relay(*store, *bus);
  if (argc > 4 && std::string(argv[4]) == "--drain") return drained(*store) ? 0 : 1;
  write_forever(*store, relay, argv[3]);
}
