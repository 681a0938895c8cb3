#pragma once
// Pay: a generic subdomain. One payment per application, taken when the student applies.
#include <string>

#include "hexa/domain.hpp"
#include "textbook_order.hpp"

namespace elearning {

struct Pay : TextbookOrder {
  static constexpr std::string_view name = "Pay";

  std::int64_t id = 0;
  std::int64_t applyId = 0;
  hexa::Decimal amount;
  std::string address;
  std::string payStatus = "completed";

  static hexa::Fields<Pay> fields() {
    return with_textbook_order<Pay>(
        {hexa::field("id", &Pay::id),
         hexa::field("applyId", &Pay::applyId, {.required = true, .min = 1, .unique = true})},
        {hexa::field("amount", &Pay::amount, {.required = true, .min = 0}),
         hexa::field("address", &Pay::address),
         hexa::field("payStatus", &Pay::payStatus, {.read_only = true})});
  }

  void cancel() {
    if (payStatus == "cancelled") throw hexa::Conflict("payment of application " + std::to_string(applyId) + " is already cancelled");
    payStatus = "cancelled";
  }
};

}  // namespace elearning
