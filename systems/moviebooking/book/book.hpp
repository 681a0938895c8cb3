#pragma once
// Book: the core domain. A customer books seats for a movie; the booking is the one place where
// "printed" and "canceled" are decided, so a ticket is never both collected and refunded.
#include <string>

#include "hexa/domain.hpp"

namespace moviebooking {

struct Book {
  static constexpr std::string_view name = "Book";

  std::int64_t id = 0;
  std::string movieName;
  std::string seat;  // e.g. "1A,2B"
  std::int64_t qty = 0;
  std::int64_t totalPrice = 0;
  std::string status = "Booked";  // Booked | Printed | Canceled

  static hexa::Fields<Book> fields() {
    return {hexa::field("id", &Book::id),
            hexa::field("movieName", &Book::movieName, {.required = true}),
            hexa::field("seat", &Book::seat, {.required = true}),
            hexa::field("qty", &Book::qty, {.required = true, .min = 1, .max = 100}),
            hexa::field("totalPrice", &Book::totalPrice, {.required = true, .min = 0}),
            hexa::field("status", &Book::status, {.read_only = true})};
  }

  // The ticket is being collected at the cinema: from now on the booking cannot be canceled.
  // Asked again, it stays printed (the ticket refuses a second print itself).
  void print() {
    if (status == "Canceled") throw hexa::Conflict("booking " + std::to_string(id) + " is canceled; its ticket cannot be printed");
    status = "Printed";
  }

  void cancel() {
    if (status == "Printed")
      throw hexa::Conflict("the ticket of booking " + std::to_string(id) + " is already printed; it cannot be canceled");
    if (status == "Canceled") throw hexa::Conflict("booking " + std::to_string(id) + " is already canceled");
    status = "Canceled";
  }
};

}  // namespace moviebooking
