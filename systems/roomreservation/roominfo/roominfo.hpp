#pragma once
// RoomInfo: the customer's screen of rooms and their state, a CQRS view with one row per
// room, kept only from events.
#include <string>

#include "hexa/domain.hpp"

namespace roomreservation {

struct RoomInfo {
  static constexpr std::string_view name = "RoomInfo";

  std::int64_t roomNumber = 0;
  std::string roomName;
  std::string roomType;
  std::string roomStatus;
  std::int64_t roomQty = 0;
  std::int64_t roomPrice = 0;
  std::int64_t reservationNumber = 0;  // the room's current (or last) reservation
  std::string reserveStatus;

  static hexa::Fields<RoomInfo> fields() {
    return {hexa::field("roomNumber", &RoomInfo::roomNumber, {.key = true, .assigned = true}),
            hexa::field("roomName", &RoomInfo::roomName),
            hexa::field("roomType", &RoomInfo::roomType),
            hexa::field("roomStatus", &RoomInfo::roomStatus),
            hexa::field("roomQty", &RoomInfo::roomQty),
            hexa::field("roomPrice", &RoomInfo::roomPrice),
            hexa::field("reservationNumber", &RoomInfo::reservationNumber),
            hexa::field("reserveStatus", &RoomInfo::reserveStatus)};
  }

  // A room is free for a new reservation when none holds it; the first Reserved after that is
  // the one room lets in (both see one room's events in the same order).
  bool free() const { return reservationNumber == 0 || reserveStatus == "cancel" || reserveStatus == "checkOut"; }
};

}  // namespace roomreservation
