#pragma once
// Notice: an alert sent to the customer (KakaoTalk in the seed) on a reservation's status
// change, kept as a record of what was sent and through which channel.
#include <string>

#include "hexa/domain.hpp"

namespace roomreservation {

struct Notice {
  static constexpr std::string_view name = "Notice";

  std::int64_t id = 0;
  std::int64_t reservationNumber = 0;
  std::string message;
  std::string channel;
  hexa::Timestamp sentAt;

  static hexa::Fields<Notice> fields() {
    return {hexa::field("id", &Notice::id),
            hexa::field("reservationNumber", &Notice::reservationNumber, {.indexed = true}),
            hexa::field("message", &Notice::message),
            hexa::field("channel", &Notice::channel),
            hexa::field("sentAt", &Notice::sentAt)};
  }
};

}  // namespace roomreservation
