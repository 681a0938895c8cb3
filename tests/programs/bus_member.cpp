// A consumer-group member as a real process, for tests/unit/bus_conformance_test:
//   bus_member <bus-url> <store-url> <group> <topic> <member>
// Handles each event of <topic> exactly once in effect: in one store transaction it checks
// first_delivery and then records an "effects" row (or a "redeliveries" row for a repeat).
// The store is shared by all members of the group, as replicas of one service share their
// database: that is what makes a redelivery to another member detectable. Runs until
// SIGTERM/SIGINT (clean stop) or SIGKILL (the crash under test).
#include <signal.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "hexa/events/bus.hpp"
#include "hexa/store/store.hpp"

namespace {

hexa::Schema effects() {
  return {"effects",
          {{"eventId", hexa::Kind::Text}, {"member", hexa::Kind::Text},
           {"key", hexa::Kind::Text}, {"seq", hexa::Kind::Integer}}};
}

hexa::Schema redeliveries() {
  return {"redeliveries", {{"eventId", hexa::Kind::Text}, {"member", hexa::Kind::Text}}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::cerr << "usage: bus_member <bus-url> <store-url> <group> <topic> <member>\n";
    return 2;
  }
  // Blocked before any thread starts, so only sigwait() below ever receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const std::string group = argv[3], member = argv[5];
  auto store = hexa::open_store(argv[2]);
  store->migrate(effects());
  store->migrate(redeliveries());
  auto bus = hexa::open_bus(argv[1]);
  auto subscription = bus->subscribe(
      {group, argv[4], member, std::chrono::milliseconds{50}}, [&](const hexa::Event& e) {
        auto tx = store->begin();
        if (tx->first_delivery(group, e.id)) {
          const auto seq = nlohmann::json::parse(e.payload).at("seq").get<std::int64_t>();
          tx->insert(effects(), {{"eventId", e.id}, {"member", member}, {"key", e.key}, {"seq", seq}});
        } else {
          tx->insert(redeliveries(), {{"eventId", e.id}, {"member", member}});
        }
        tx->commit();
      });
  int received = 0;
  sigwait(&stop_signals, &received);
  subscription.reset();  // finishes the event in hand
  return 0;
}
