#pragma once
// Notice: an alert sent to the customer on a change of their booking (the seed: KakaoTalk),
// kept as the record that it was sent, once, and through which channel.
#include <string>

#include "hexa/domain.hpp"

namespace moviebooking {

struct Notice {
  static constexpr std::string_view name = "Notice";

  std::int64_t id = 0;
  std::int64_t bookingId = 0;
  std::string message;
  std::string channel;  // webhook | log: as configured
  hexa::Timestamp sentAt;

  static hexa::Fields<Notice> fields() {
    return {hexa::field("id", &Notice::id),
            hexa::field("bookingId", &Notice::bookingId, {.indexed = true}),
            hexa::field("message", &Notice::message),
            hexa::field("channel", &Notice::channel),
            hexa::field("sentAt", &Notice::sentAt)};
  }

  static Notice sent(std::int64_t bookingId, std::string message, std::string channel) {
    Notice n;
    n.bookingId = bookingId;
    n.message = std::move(message);
    n.channel = std::move(channel);
    n.sentAt = hexa::Timestamp::now();
    return n;
  }
};

}  // namespace moviebooking
