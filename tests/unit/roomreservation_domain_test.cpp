// Room reservation's aggregates on their own: which transitions a reservation allows, who may
// take and free a room. The flows across services are tested end to end (tests/e2e).
#include <gtest/gtest.h>

#include "systems/roomreservation/payment/payment.hpp"
#include "systems/roomreservation/reservation/reservation.hpp"
#include "systems/roomreservation/room/room.hpp"
#include "systems/roomreservation/roominfo/roominfo.hpp"

using namespace roomreservation;

namespace {
Reservation reserved(std::int64_t number = 1) {
  Reservation r;
  r.reservationNumber = number;
  r.roomNumber = 7;
  return r;
}
}  // namespace

TEST(Reservation, PaidThenCheckedOut) {
  Reservation r = reserved();
  EXPECT_TRUE(r.live());
  r.paid();
  EXPECT_EQ(r.reserveStatus, "paymentComp");
  r.check_out();
  EXPECT_EQ(r.reserveStatus, "checkOut");
  EXPECT_FALSE(r.live());
}

TEST(Reservation, IllegalTransitionsConflictAndChangeNothing) {
  Reservation unpaid = reserved();
  EXPECT_THROW(unpaid.check_out(), hexa::Conflict);
  EXPECT_EQ(unpaid.reserveStatus, "reserve");

  Reservation paid = reserved();
  paid.paid();
  EXPECT_THROW(paid.paid(), hexa::Conflict);
  EXPECT_EQ(paid.reserveStatus, "paymentComp");

  Reservation out = paid;
  out.check_out();
  EXPECT_THROW(out.cancel(), hexa::Conflict);
  EXPECT_EQ(out.reserveStatus, "checkOut");

  Reservation cancelled = reserved();
  cancelled.cancel();
  EXPECT_THROW(cancelled.cancel(), hexa::Conflict);
  EXPECT_THROW(cancelled.paid(), hexa::Conflict);
  EXPECT_THROW(cancelled.check_payable(), hexa::Conflict);
  EXPECT_EQ(cancelled.reserveStatus, "cancel");
}

TEST(Reservation, APaidReservationMayStillBeCancelled) {
  Reservation r = reserved();
  r.paid();
  r.cancel();
  EXPECT_EQ(r.reserveStatus, "cancel");
}

TEST(Room, TakenOnceAndFreedOnlyByItsHolder) {
  Room room;
  room.roomNumber = 7;
  EXPECT_TRUE(room.bookable());
  room.take(1);
  EXPECT_EQ(room.roomStatus, "Notavailable");
  EXPECT_THROW(room.take(2), hexa::Conflict);
  EXPECT_FALSE(room.release(2)) << "a refused racer's cancellation frees nothing";
  EXPECT_FALSE(room.bookable());
  EXPECT_TRUE(room.release(1));
  EXPECT_TRUE(room.bookable());
  EXPECT_EQ(room.reservationNumber, 0);
}

TEST(Payment, RefundedOnce) {
  Payment p;
  p.reservationNumber = 1;
  p.refund();
  EXPECT_EQ(p.status, "cancelled");
  EXPECT_THROW(p.refund(), hexa::Conflict);
}

TEST(RoomInfo, FreeUntilALiveReservationHoldsIt) {
  RoomInfo row;
  EXPECT_TRUE(row.free());
  row.reservationNumber = 3;
  row.reserveStatus = "reserve";
  EXPECT_FALSE(row.free());
  row.reserveStatus = "paymentComp";
  EXPECT_FALSE(row.free());
  row.reserveStatus = "checkOut";
  EXPECT_TRUE(row.free());
}
