// Payment service: takes the payment of a booking (called synchronously by book, once per
// booking however often it is asked) and refunds it when book asks for a Cancellation.
#include "hexa/service.hpp"
#include "payment/payment.hpp"

using namespace moviebooking;

int main(int argc, char** argv) {
  hexa::Service svc("payment", argc, argv);

  svc.resource<Payment>()
      .idempotent_on("bookingId")
      .deny(hexa::Method::Put, "payments change only through their booking")
      .deny(hexa::Method::Patch, "payments are refunded by a cancellation: POST /cancellations {bookingId}")
      .deny(hexa::Method::Delete, "payments change only through their booking");

  // A cancellation refunds the booking's payment in the same transaction; asked again for the
  // same booking, it answers the cancellation already made.
  svc.resource<Cancellation>()
      .idempotent_on("bookingId")
      .on_created([](Cancellation& c, hexa::UnitOfWork& uow) {
        auto payment = uow.find_one(&Payment::bookingId, c.bookingId);
        if (!payment) throw hexa::NotFound("booking " + std::to_string(c.bookingId) + " has no payment");
        payment->cancel();
        uow.save(*payment);
      })
      .deny(hexa::Method::Put, "a cancellation is final")
      .deny(hexa::Method::Patch, "a cancellation is final")
      .deny(hexa::Method::Delete, "a cancellation is final");
  return svc.run();
}
