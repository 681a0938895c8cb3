#pragma once
// Mypage (the seed's name, served at /mypages): the customer's screen, a CQRS view with one
// row per booking, kept only from events.
#include <string>

#include "hexa/domain.hpp"

namespace moviebooking {

struct Mypage {
  static constexpr std::string_view name = "Mypage";

  std::int64_t id = 0;
  std::int64_t bookingId = 0;
  std::string movieName;
  std::string seat;
  std::int64_t qty = 0;
  std::int64_t totalPrice = 0;
  std::int64_t statusCode = 0;  // the seed's codes: 1 booked, 2 ticket collected, 9 canceled
  std::string status;

  static hexa::Fields<Mypage> fields() {
    return {hexa::field("id", &Mypage::id),
            hexa::field("bookingId", &Mypage::bookingId, {.unique = true}),
            hexa::field("movieName", &Mypage::movieName),
            hexa::field("seat", &Mypage::seat),
            hexa::field("qty", &Mypage::qty),
            hexa::field("totalPrice", &Mypage::totalPrice),
            hexa::field("statusCode", &Mypage::statusCode),
            hexa::field("status", &Mypage::status)};
  }
};

}  // namespace moviebooking
