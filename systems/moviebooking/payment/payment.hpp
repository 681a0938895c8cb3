#pragma once
// Payment: a generic subdomain (could be a third party). One payment per booking, taken when
// the booking is made and refunded by a Cancellation.
#include <string>

#include "hexa/domain.hpp"

namespace moviebooking {

struct Payment {
  static constexpr std::string_view name = "Payment";

  std::int64_t id = 0;
  std::int64_t bookingId = 0;
  std::int64_t totalPrice = 0;
  std::string status = "Paid";  // Paid | Canceled

  static hexa::Fields<Payment> fields() {
    return {hexa::field("id", &Payment::id),
            hexa::field("bookingId", &Payment::bookingId, {.required = true, .min = 1, .unique = true}),
            hexa::field("totalPrice", &Payment::totalPrice, {.required = true, .min = 0}),
            hexa::field("status", &Payment::status, {.read_only = true})};
  }

  void cancel() {
    if (status == "Canceled") throw hexa::Conflict("the payment of booking " + std::to_string(bookingId) + " is already canceled");
    status = "Canceled";
  }
};

// The refund of one booking's payment (the seed's POST /cancellations). Kept, one per booking,
// so that asking twice refunds once.
struct Cancellation {
  static constexpr std::string_view name = "Cancellation";

  std::int64_t id = 0;
  std::int64_t bookingId = 0;

  static hexa::Fields<Cancellation> fields() {
    return {hexa::field("id", &Cancellation::id),
            hexa::field("bookingId", &Cancellation::bookingId, {.required = true, .min = 1, .unique = true})};
  }
};

}  // namespace moviebooking
