// RoomInfo service: the customer's view of every room, its state and its reservation (CQRS),
// kept only from room's and reservation's events.
#include "events.hpp"
#include "hexa/service.hpp"
#include "roominfo.hpp"

using namespace roomreservation;

namespace {
void room_changed(RoomInfo& row, const RoomConditionChanged& e) {
  row.roomName = e.roomName;
  row.roomType = e.roomType;
  row.roomStatus = e.roomStatus;
  row.roomQty = e.roomQty;
  row.roomPrice = e.roomPrice;
  if (e.reservationNumber != 0 && e.reservationNumber != row.reservationNumber) {
    row.reservationNumber = e.reservationNumber;  // room's word on who holds it
    row.reserveStatus = "reserve";
  }
}

// Only the reservation holding the room shows on its row: a refused racer's does not.
template <class E>
void reservation_changed(RoomInfo& row, const E& e) {
  if (e.reservationNumber == row.reservationNumber) row.reserveStatus = e.reserveStatus;
}
}  // namespace

int main(int argc, char** argv) {
  hexa::Service svc("roominfo", argc, argv);

  svc.view<RoomInfo>("roomNumber")
      .on<RoomConditionChanged>(room_changed)
      .on<Reserved>([](RoomInfo& row, const Reserved& e) {
        if (!row.free()) return;
        row.reservationNumber = e.reservationNumber;
        row.reserveStatus = e.reserveStatus;
      })
      .on<ReservationConfirmed>(reservation_changed<ReservationConfirmed>)
      .on<ReservationCanceled>(reservation_changed<ReservationCanceled>)
      .on<CheckedOut>(reservation_changed<CheckedOut>);
  return svc.run();
}
