#pragma once
// What the reservation service knows of each room, learnt from room's events only: a local
// read model, not served. It lets a reservation for a room known to be taken be refused at
// once; room remains the judge of the races this cannot see.
#include <string>

#include "hexa/domain.hpp"
#include "room/room.hpp"

namespace roomreservation {

struct RoomState {
  static constexpr std::string_view name = "RoomState";

  std::int64_t roomNumber = 0;
  std::string roomStatus;

  static hexa::Fields<RoomState> fields() {
    return {hexa::field("roomNumber", &RoomState::roomNumber, {.key = true, .assigned = true}),
            hexa::field("roomStatus", &RoomState::roomStatus)};
  }

  bool bookable() const { return roomStatus == Room::kBookable; }
};

}  // namespace roomreservation
