#pragma once
// Room: a supporting subdomain. A lodging manager registers rooms; a room is taken by one
// reservation at a time and becomes bookable again when that reservation ends.
#include <string>

#include "hexa/domain.hpp"

namespace roomreservation {

struct Room {
  static constexpr std::string_view name = "Room";
  static constexpr std::string_view kBookable = "EMPTY";
  static constexpr std::string_view kTaken = "Notavailable";

  std::int64_t roomNumber = 0;
  std::string roomName;
  std::string roomType;
  std::string roomStatus{kBookable};
  std::int64_t roomQty = 0;
  std::int64_t roomPrice = 0;
  std::int64_t reservationNumber = 0;  // the reservation holding the room; 0 while bookable

  static hexa::Fields<Room> fields() {
    return {hexa::field("roomNumber", &Room::roomNumber, {.key = true}),
            hexa::field("roomName", &Room::roomName, {.required = true}),
            hexa::field("roomType", &Room::roomType),
            hexa::field("roomStatus", &Room::roomStatus, {.one_of = {std::string(kBookable), std::string(kTaken)}}),
            hexa::field("roomQty", &Room::roomQty, {.min = 0}),
            hexa::field("roomPrice", &Room::roomPrice, {.min = 0}),
            hexa::field("reservationNumber", &Room::reservationNumber, {.read_only = true})};
  }

  bool bookable() const { return roomStatus == kBookable; }

  void take(std::int64_t reservation) {
    if (!bookable()) throw hexa::Conflict("room " + std::to_string(roomNumber) + " is not available");
    roomStatus = kTaken;
    reservationNumber = reservation;
  }

  // Only the reservation holding the room frees it: a refused racer's cancellation does not.
  bool release(std::int64_t reservation) {
    if (reservationNumber != reservation) return false;
    roomStatus = kBookable;
    reservationNumber = 0;
    return true;
  }
};

}  // namespace roomreservation
