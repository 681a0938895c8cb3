// Payment service: takes the payment of a reservation (called synchronously by reservation,
// once per reservation however often it is asked) and refunds it when the reservation is
// cancelled.
#include "events.hpp"
#include "hexa/service.hpp"

using namespace roomreservation;

int main(int argc, char** argv) {
  hexa::Service svc("payment", argc, argv);

  svc.resource<Payment>()
      .idempotent_on("reservationNumber")
      .on_created([](Payment& p, hexa::UnitOfWork& uow) { uow.raise(hexa::copy_fields<PaymentCompleted>(p)); })
      .deny(hexa::Method::Put, "payments change only through their reservation")
      .deny(hexa::Method::Patch, "payments change only through their reservation")
      .deny(hexa::Method::Delete, "payments change only through their reservation");

  svc.when<ReservationCanceled>([](const ReservationCanceled& e, hexa::UnitOfWork& uow) {
    auto payment = uow.find_one(&Payment::reservationNumber, e.reservationNumber);
    if (!payment || payment->status == "cancelled") return;
    payment->refund();
    uow.save(*payment);
    uow.raise(hexa::copy_fields<PaymentCanceled>(*payment));
  });
  return svc.run();
}
