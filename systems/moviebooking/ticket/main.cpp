// Ticket service: issues a waiting ticket for each booking, prints it at the cinema and voids
// it when the booking is canceled. Bookings are taken while it is down: it catches up on events.
#include "events.hpp"
#include "hexa/service.hpp"

using namespace moviebooking;

int main(int argc, char** argv) {
  hexa::Service svc("ticket", argc, argv);

  svc.resource<Ticket>()
      .find_by("bookingId")
      // TEMPORARY until the guarded command lands (f2): the booking is not asked yet.
      .command("status", "Printed", [](Ticket& t, hexa::UnitOfWork& uow) {
        t.print();
        uow.raise(hexa::copy_fields<TicketPrinted>(t));
      })
      .deny(hexa::Method::Post, "tickets are issued from bookings")
      .deny(hexa::Method::Put, "a ticket is not replaced; PATCH {\"status\":\"Printed\"} prints it")
      .deny(hexa::Method::Delete, "tickets are voided by canceling their booking");

  svc.when<Booked>([](const Booked& e, hexa::UnitOfWork& uow) {
    if (uow.find_one<Ticket>("bookingId", e.id)) return;
    Ticket t = hexa::copy_fields<Ticket>(e);
    t.id = 0;
    t.bookingId = e.id;
    t.status = "Waiting";
    uow.add(t);
  });

  svc.when<BookCanceled>([](const BookCanceled& e, hexa::UnitOfWork& uow) {
    auto t = uow.find_one<Ticket>("bookingId", e.id);
    if (!t) return;
    t->cancel();
    uow.save(*t);
  });
  return svc.run();
}
