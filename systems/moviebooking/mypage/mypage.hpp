#pragma once
// MyPage: the customer's screen, a CQRS view with one row per booking, kept only from events.
#include <string>

#include "hexa/domain.hpp"

namespace moviebooking {

struct MyPage {
  static constexpr std::string_view name = "MyPage";

  std::int64_t id = 0;
  std::int64_t bookingId = 0;
  std::string movieName;
  std::string seat;
  std::int64_t qty = 0;
  std::int64_t totalPrice = 0;
  std::int64_t statusCode = 0;  // the seed's codes: 1 booked, 2 ticket collected, 9 canceled
  std::string status;

  static hexa::Fields<MyPage> fields() {
    return {hexa::field("id", &MyPage::id),
            hexa::field("bookingId", &MyPage::bookingId, {.unique = true}),
            hexa::field("movieName", &MyPage::movieName),
            hexa::field("seat", &MyPage::seat),
            hexa::field("qty", &MyPage::qty),
            hexa::field("totalPrice", &MyPage::totalPrice),
            hexa::field("statusCode", &MyPage::statusCode),
            hexa::field("status", &MyPage::status)};
  }
};

}  // namespace moviebooking
