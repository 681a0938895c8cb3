// Book service: takes bookings. Booking pays synchronously (no booking without its payment);
// canceling refunds synchronously (no canceled booking with its payment still taken, no refund
// for a booking still valid) and is refused once the ticket is printed. Ticket asks here before
// printing, so this service alone decides whether a booking ends printed or canceled: the two
// are commands on one aggregate, and a refund under way holds the booking (a print meanwhile
// is refused).
#include "events.hpp"
#include "hexa/service.hpp"
#include "payment/payment.hpp"

using namespace moviebooking;

namespace moviebooking::book {

void declare(hexa::Service& svc) {
  auto payments = svc.remote<Payment>("payment").finds_by(&Payment::bookingId);
  auto cancellations = svc.remote<Cancellation>("payment");
  const auto payment_timeout = svc.config().get_int("clients.payment.timeout-ms", 610);
  const std::string busy = "payment is busy, please try again later";

  // Did payment act? nullopt: it cannot be asked now, ask again later.
  auto payment_status = [payments](const Book& b) -> std::optional<std::string> {
    try {
      auto p = payments.find_one(&Payment::bookingId, b.id);
      return p ? p->status : "";
    } catch (const hexa::Unavailable&) {
      return std::nullopt;
    }
  };

  svc.resource<Book>()
      .guarded_by(
          [payments](const Book& b, std::int64_t deadline) {
            Payment p = hexa::copy_fields<Payment>(b);
            p.bookingId = b.id;
            payments.create(p, deadline);
          },
          [payment_status](const Book& b) -> std::optional<bool> {
            auto s = payment_status(b);
            if (!s) return std::nullopt;
            return !s->empty();
          },
          busy, payment_timeout)
      .on_created([](Book& b, hexa::UnitOfWork& uow) { uow.raise(hexa::copy_fields<Booked>(b)); })
      .command("status", "Canceled").guarded_by({
          .confirm = [cancellations](const Book& b, std::int64_t deadline) {
            Cancellation c;
            c.bookingId = b.id;
            cancellations.create(c, deadline);
          },
          .confirmed = [payment_status](const Book& b) -> std::optional<bool> {
            auto s = payment_status(b);
            if (!s) return std::nullopt;
            return *s == "Canceled";
          },
          .then = [](Book& b, hexa::UnitOfWork& uow) {
            b.cancel();
            uow.raise(hexa::copy_fields<BookCanceled>(b));
          },
          .fallback = busy,
          .timeout_ms = payment_timeout})
      // Asked by ticket at the cinema (the ticket is printed only after this yes); never by a
      // client, in any profile.
      .command("status", "Printed", [](Book& b, hexa::UnitOfWork&) { b.print(); },
               {.services_only = "a booking becomes Printed when its ticket is printed: PATCH /tickets/{id} "
                                 "{\"status\":\"Printed\"}"})
      .deny(hexa::Method::Put, "a booking is not replaced; PATCH its status to cancel it")
      .deny(hexa::Method::Delete, "bookings are canceled, not deleted: PATCH {\"status\":\"Canceled\"}");
}

}  // namespace moviebooking::book

int main(int argc, char** argv) {
  hexa::Service svc("book", argc, argv);
  moviebooking::book::declare(svc);
  return svc.run();
}
