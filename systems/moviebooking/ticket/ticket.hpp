#pragma once
// Ticket: a supporting subdomain. A ticket waits at the cinema from the booking on, until it is
// printed (collected) or the booking is canceled.
#include <string>

#include "hexa/domain.hpp"

namespace moviebooking {

struct Ticket {
  static constexpr std::string_view name = "Ticket";

  std::int64_t id = 0;
  std::int64_t bookingId = 0;
  std::string movieName;
  std::string seat;
  std::int64_t qty = 0;
  std::string status = "Waiting";  // Waiting | Printed | Canceled

  static hexa::Fields<Ticket> fields() {
    return {hexa::field("id", &Ticket::id),
            hexa::field("bookingId", &Ticket::bookingId, {.unique = true}),
            hexa::field("movieName", &Ticket::movieName),
            hexa::field("seat", &Ticket::seat),
            hexa::field("qty", &Ticket::qty),
            hexa::field("status", &Ticket::status, {.read_only = true})};
  }

  // Checked before the booking is asked, so that a wrong request changes nothing anywhere.
  void check_printable() const {
    if (status == "Printed") throw hexa::Conflict("ticket " + std::to_string(id) + " is already printed");
    if (status == "Canceled") throw hexa::Conflict("ticket " + std::to_string(id) + " is canceled; its booking was canceled");
  }
  void print() {
    check_printable();
    status = "Printed";
  }
  void cancel() {
    if (status == "Printed") throw hexa::Conflict("ticket " + std::to_string(id) + " is printed; it cannot be canceled");
    status = "Canceled";
  }
};

}  // namespace moviebooking
