#pragma once
// Reservation: a supporting subdomain. The car is reserved once the contract is paid.
#include <string>

#include "hexa/domain.hpp"

namespace carrental {

struct Reservation {
  static constexpr std::string_view name = "Reservation";

  std::int64_t id = 0;
  std::int64_t contractId = 0;
  std::string custName;
  std::string modelName;
  std::int64_t amt = 0;
  std::string payStatus;
  std::string reservationStatus = "reserved";

  static hexa::Fields<Reservation> fields() {
    return {hexa::field("id", &Reservation::id),
            hexa::field("contractId", &Reservation::contractId, {.unique = true}),
            hexa::field("custName", &Reservation::custName),
            hexa::field("modelName", &Reservation::modelName),
            hexa::field("amt", &Reservation::amt),
            hexa::field("payStatus", &Reservation::payStatus),
            hexa::field("reservationStatus", &Reservation::reservationStatus)};
  }

  void cancel() {
    if (reservationStatus == "reservationCancelled")
      throw hexa::Conflict("reservation of contract " + std::to_string(contractId) + " is already cancelled");
    reservationStatus = "reservationCancelled";
  }
};

}  // namespace carrental
