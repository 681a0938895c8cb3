#pragma once
// Reservation: the core domain. A customer reserves a room; payment confirms the reservation;
// the customer may cancel it, and the manager checks the guest out.
//   reserve -> paymentComp -> checkOut, or -> cancel (from reserve or paymentComp)
#include <string>

#include "hexa/domain.hpp"

namespace roomreservation {

struct Reservation {
  static constexpr std::string_view name = "Reservation";

  std::int64_t reservationNumber = 0;
  std::int64_t roomNumber = 0;
  std::int64_t customerId = 0;
  std::string customerName;
  std::int64_t paymentPrice = 0;
  std::string reserveStatus = "reserve";

  static hexa::Fields<Reservation> fields() {
    return {hexa::field("reservationNumber", &Reservation::reservationNumber, {.key = true}),
            hexa::field("roomNumber", &Reservation::roomNumber, {.required = true, .min = 1}),
            hexa::field("customerId", &Reservation::customerId),
            hexa::field("customerName", &Reservation::customerName, {.required = true}),
            hexa::field("paymentPrice", &Reservation::paymentPrice, {.required = true, .min = 1}),
            hexa::field("reserveStatus", &Reservation::reserveStatus, {.read_only = true})};
  }

  bool live() const { return reserveStatus == "reserve" || reserveStatus == "paymentComp"; }

  // Checked before payment is asked, so that nothing is charged for a refused transition.
  void check_payable() const {
    if (reserveStatus == "paymentComp") refuse("is already paid");
    if (reserveStatus != "reserve") refuse("is " + reserveStatus + " and cannot be paid");
  }
  void paid() {
    check_payable();
    reserveStatus = "paymentComp";
  }
  void cancel() {
    if (reserveStatus == "cancel") refuse("is already cancelled");
    if (!live()) refuse("is " + reserveStatus + " and cannot be cancelled");
    reserveStatus = "cancel";
  }
  void check_out() {
    if (reserveStatus != "paymentComp") refuse("is " + reserveStatus + ": only a paid reservation is checked out");
    reserveStatus = "checkOut";
  }

 private:
  [[noreturn]] void refuse(const std::string& why) const {
    throw hexa::Conflict("reservation " + std::to_string(reservationNumber) + " " + why);
  }
};

}  // namespace roomreservation
