// Payment service: takes the payment of a reservation (called synchronously by reservation,
// once per reservation however often it is asked) and refunds it when the reservation is
// cancelled.
#include "events.hpp"
#include "hexa/service.hpp"

using namespace roomreservation;

namespace {
// A cancelled reservation's payment is refunded. One cancelled before its payment arrived (the
// saga may cancel while the customer pays) is recorded as cancelled at once, so that the late
// payment finds it (one row per reservationNumber) and is refused rather than kept.
void refund(const ReservationCanceled& e, hexa::UnitOfWork& uow) {
  auto payment = uow.find_one(&Payment::reservationNumber, e.reservationNumber);
  if (!payment) {
    Payment none = hexa::copy_fields<Payment>(e);
    none.status = "cancelled";
    return uow.add(none);
  }
  if (payment->status == "cancelled") return;
  payment->refund();
  uow.save(*payment);
  uow.raise(hexa::copy_fields<PaymentCanceled>(*payment));
}
}  // namespace

int main(int argc, char** argv) {
  hexa::Service svc("payment", argc, argv);

  svc.resource<Payment>()
      .idempotent_on("reservationNumber")
      .on_created([](Payment& p, hexa::UnitOfWork& uow) { uow.raise(hexa::copy_fields<PaymentCompleted>(p)); })
      .deny(hexa::Method::Put, "payments change only through their reservation")
      .deny(hexa::Method::Patch, "payments change only through their reservation")
      .deny(hexa::Method::Delete, "payments change only through their reservation");

  svc.when<ReservationCanceled>(refund);
  return svc.run();
}
