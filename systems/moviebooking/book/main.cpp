// Book service: takes bookings. Booking pays synchronously (no booking without its payment);
// canceling refunds synchronously (no canceled booking with its payment still taken) and is
// refused once the ticket is printed. Printing is asked here by ticket, so this service alone
// decides whether a booking ends printed or canceled.
#include "events.hpp"
#include "hexa/service.hpp"
#include "payment/payment.hpp"

using namespace moviebooking;

int main(int argc, char** argv) {
  hexa::Service svc("book", argc, argv);
  auto payments = svc.remote<Payment>("payment");
  auto cancellations = svc.remote<Cancellation>("payment");

  svc.resource<Book>()
      .guarded_by(
          [&payments](const Book& b, std::int64_t deadline) {
            Payment p = hexa::copy_fields<Payment>(b);
            p.bookingId = b.id;
            p.status = "Paid";
            payments.create(p, deadline);
          },
          [&payments](const Book& b) -> std::optional<bool> {
            try {
              return payments.find_one("bookingId", b.id).has_value();
            } catch (const hexa::Unavailable&) {
              return std::nullopt;  // payment unreachable: ask again later
            }
          },
          "payment is busy, please try again later", svc.config().get_int("clients.payment.timeout-ms", 610))
      .on_created([](Book& b, hexa::UnitOfWork& uow) { uow.raise(hexa::copy_fields<Booked>(b)); })
      // TEMPORARY until the guarded command lands (f2): the refund is asked inside the transaction.
      .command("status", "Canceled", [&cancellations](Book& b, hexa::UnitOfWork& uow) {
        b.cancel();
        Cancellation c;
        c.bookingId = b.id;
        cancellations.create(c);
        uow.raise(hexa::copy_fields<BookCanceled>(b));
      })
      .command("status", "Printed", [](Book& b, hexa::UnitOfWork&) { b.print(); })
      .deny(hexa::Method::Put, "a booking is not replaced; PATCH its status to cancel it")
      .deny(hexa::Method::Delete, "bookings are canceled, not deleted: PATCH {\"status\":\"Canceled\"}");
  // TEMPORARY until ticket asks synchronously (f2's Remote::command).
  svc.when<TicketPrinted>([](const TicketPrinted& e, hexa::UnitOfWork& uow) {
    auto b = uow.find<Book>(e.bookingId);
    if (!b || b->status == "Printed") return;
    b->print();
    uow.save(*b);
  });
  return svc.run();
}
