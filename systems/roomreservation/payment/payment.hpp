#pragma once
// Payment: a generic subdomain (a third party in the seed). One payment per reservation.
#include <string>

#include "hexa/domain.hpp"

namespace roomreservation {

struct Payment {
  static constexpr std::string_view name = "Payment";

  std::int64_t id = 0;
  std::int64_t reservationNumber = 0;
  std::int64_t paymentPrice = 0;
  std::string status = "paid";

  static hexa::Fields<Payment> fields() {
    return {hexa::field("id", &Payment::id),
            hexa::field("reservationNumber", &Payment::reservationNumber, {.required = true, .min = 1, .unique = true}),
            hexa::field("paymentPrice", &Payment::paymentPrice, {.required = true, .min = 1}),
            hexa::field("status", &Payment::status, {.read_only = true})};
  }

  void refund() {
    if (status == "cancelled")
      throw hexa::Conflict("payment of reservation " + std::to_string(reservationNumber) + " is already refunded");
    status = "cancelled";
  }
};

}  // namespace roomreservation
