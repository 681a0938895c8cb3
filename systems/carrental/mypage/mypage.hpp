#pragma once
// MyPage: the customer's screen, a CQRS view with one row per contract, kept only from events.
#include <string>

#include "hexa/domain.hpp"

namespace carrental {

struct MyPage {
  static constexpr std::string_view name = "MyPage";

  std::int64_t id = 0;
  std::int64_t contractId = 0;
  std::string custName;
  std::string modelName;
  std::int64_t amt = 0;
  std::string payStatus;
  std::string reservationStatus;
  std::string status;

  static hexa::Fields<MyPage> fields() {
    return {hexa::field("id", &MyPage::id),
            hexa::field("contractId", &MyPage::contractId, {.unique = true}),
            hexa::field("custName", &MyPage::custName),
            hexa::field("modelName", &MyPage::modelName),
            hexa::field("amt", &MyPage::amt),
            hexa::field("payStatus", &MyPage::payStatus),
            hexa::field("reservationStatus", &MyPage::reservationStatus),
            hexa::field("status", &MyPage::status)};
  }
};

}  // namespace carrental
