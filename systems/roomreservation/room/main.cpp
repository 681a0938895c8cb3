// Room service: the lodging manager registers rooms; a room is taken by the first reservation
// that asks for it while it is bookable and freed when that reservation is cancelled or checked
// out. Event-driven only: reservations are taken even while room is down, and it catches up.
#include "events.hpp"
#include "hexa/service.hpp"

using namespace roomreservation;

namespace {
// Reserved events of one room arrive one after another (one key, one order; events.hpp): the
// first finds the room bookable and takes it, every later one is rejected.
void take_or_reject(const Reserved& e, hexa::UnitOfWork& uow) {
  auto room = uow.find<Room>(e.roomNumber);
  if (!room || !room->bookable()) return uow.raise(hexa::copy_fields<RoomReservationRejected>(e));
  room->take(e.reservationNumber);
  uow.save(*room);
  uow.raise(hexa::copy_fields<RoomConditionChanged>(*room));
}

template <class E>
void release(const E& e, hexa::UnitOfWork& uow) {
  auto room = uow.find<Room>(e.roomNumber);
  if (!room || !room->release(e.reservationNumber)) return;
  uow.save(*room);
  uow.raise(hexa::copy_fields<RoomConditionChanged>(*room));
}
}  // namespace

int main(int argc, char** argv) {
  hexa::Service svc("room", argc, argv);

  svc.resource<Room>()
      .on_created([](Room& room, hexa::UnitOfWork& uow) { uow.raise(hexa::copy_fields<RoomConditionChanged>(room)); })
      .deny(hexa::Method::Put, "a room's state follows its reservations")
      .deny(hexa::Method::Patch, "a room's state follows its reservations")
      .deny(hexa::Method::Delete, "rooms are not removed");

  svc.when<Reserved>(take_or_reject);
  svc.when<ReservationCanceled>(release<ReservationCanceled>);
  svc.when<CheckedOut>(release<CheckedOut>);
  return svc.run();
}
