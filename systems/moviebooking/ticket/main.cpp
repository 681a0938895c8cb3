// Ticket service: issues a waiting ticket for each booking, prints it at the cinema once the
// booking agreed (a canceled booking's ticket is never printed), and voids it when the booking
// is canceled. Bookings are taken while it is down: it catches up on the events it missed.
#include "events.hpp"
#include "hexa/service.hpp"

using namespace moviebooking;

namespace moviebooking::ticket {

void declare(hexa::Service& svc) {
  auto books = svc.remote<Book>("book").finds_by(&Book::id);

  svc.resource<Ticket>()
      .find_by("bookingId")
      .command("status", "Printed").guarded_by({
          .confirm = [books](const Ticket& t, std::int64_t deadline) {
            books.command(&Book::id, t.bookingId, "status", "Printed", deadline);
          },
          .confirmed = [books](const Ticket& t) -> std::optional<bool> {
            try {
              auto b = books.find_one(&Book::id, t.bookingId);
              return b && b->status == "Printed";
            } catch (const hexa::Unavailable&) {
              return std::nullopt;  // book unreachable: ask again later
            }
          },
          .then = [](Ticket& t, hexa::UnitOfWork& uow) {
            t.print();
            uow.raise(hexa::copy_fields<TicketPrinted>(t));
          },
          .fallback = "bookings cannot be checked right now, please try again later",
          .timeout_ms = svc.config().get_int("clients.book.timeout-ms", 1000)})
      .deny(hexa::Method::Post, "tickets are issued from bookings")
      .deny(hexa::Method::Put, "a ticket is not replaced; PATCH {\"status\":\"Printed\"} prints it")
      .deny(hexa::Method::Delete, "tickets are voided by canceling their booking");

  svc.when<Booked>([](const Booked& e, hexa::UnitOfWork& uow) {
    if (uow.find_one(&Ticket::bookingId, e.id)) return;
    Ticket t = hexa::copy_fields<Ticket>(e);
    t.bookingId = e.id;
    t.status = "Waiting";
    uow.add(t);
  });

  svc.when<BookCanceled>([](const BookCanceled& e, hexa::UnitOfWork& uow) {
    auto t = uow.find_one(&Ticket::bookingId, e.id);
    if (!t) return;
    t->cancel();
    uow.save(*t);
  });
}

}  // namespace moviebooking::ticket

int main(int argc, char** argv) {
  hexa::Service svc("ticket", argc, argv);
  moviebooking::ticket::declare(svc);
  return svc.run();
}
