#pragma once
// The room reservation system's published language: the domain events its services exchange,
// named as in the seed where it names them. Each carries the fields of the aggregate that
// raised it and names its correlation key.
//
// Every event about a room's occupation is keyed by roomNumber, not by reservationNumber: all
// customers racing for one room land on one partition (one key, one order), so room's policy
// takes their Reserved events one after another and the first one wins; the cancellations and
// check-outs that free the room come in the same order after the Reserved they end.
#include "payment/payment.hpp"
#include "reservation/reservation.hpp"
#include "room/room.hpp"

namespace roomreservation {

using RoomConditionChanged = hexa::EventOf<Room, "RoomConditionChanged", "roomNumber">;

using Reserved = hexa::EventOf<Reservation, "Reserved", "roomNumber">;
using ReservationConfirmed = hexa::EventOf<Reservation, "ReservationConfirmed", "roomNumber">;  // paid
using ReservationCanceled = hexa::EventOf<Reservation, "ReservationCanceled", "roomNumber">;
using CheckedOut = hexa::EventOf<Reservation, "CheckedOut", "roomNumber">;
// Room's answer to a Reserved it cannot honour (room unknown or already taken): the saga's
// compensation trigger, carrying the refused reservation.
using RoomReservationRejected = hexa::EventOf<Reservation, "RoomReservationRejected", "roomNumber">;

using PaymentCompleted = hexa::EventOf<Payment, "PaymentCompleted", "reservationNumber">;
using PaymentCanceled = hexa::EventOf<Payment, "PaymentCanceled", "reservationNumber">;

}  // namespace roomreservation
