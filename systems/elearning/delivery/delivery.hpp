#pragma once
// Delivery: a supporting subdomain. The textbook of a paid application is delivered to the
// application's address; a cancelled payment never leaves its delivery running.
#include <string>

#include "hexa/domain.hpp"
#include "textbook_order.hpp"

namespace elearning {

struct Delivery : TextbookOrder {
  static constexpr std::string_view name = "Delivery";

  std::int64_t id = 0;
  std::int64_t applyId = 0;
  std::string deliveryAddress;
  std::string deliveryStatus = "started";

  static hexa::Fields<Delivery> fields() {
    return with_textbook_order<Delivery>(
        {hexa::field("id", &Delivery::id),
         hexa::field("applyId", &Delivery::applyId, {.required = true, .min = 1, .unique = true})},
        {hexa::field("deliveryAddress", &Delivery::deliveryAddress),
         hexa::field("deliveryStatus", &Delivery::deliveryStatus, {.read_only = true})});
  }

  bool running() const { return deliveryStatus == "started"; }

  void cancel() {
    if (!running()) throw hexa::Conflict("delivery of application " + std::to_string(applyId) + " is already cancelled");
    deliveryStatus = "cancelled";
  }
};

}  // namespace elearning
