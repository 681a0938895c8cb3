// Reservation service: reserves the car once the contract is paid, and releases it when the
// payment is cancelled. Event-driven only, so contracts are taken even while it is down.
#include "events.hpp"
#include "hexa/service.hpp"

using namespace carrental;

namespace carrental::reservation {

void declare(hexa::Service& svc) {
  svc.resource<Reservation>()
      .read_only("reservations are made from payments; they cannot be written from outside")
      .find_by("contractId");

  svc.when<Payed>([](const Payed& e, hexa::UnitOfWork& uow) {
    if (uow.find_one<Reservation>("contractId", e.contractId)) return;
    Reservation r = hexa::copy_fields<Reservation>(e);
    r.id = 0;
    r.reservationStatus = "reserved";
    uow.add(r);
    uow.raise(hexa::copy_fields<Reserved>(r));
  });

  svc.when<PayCanceled>([](const PayCanceled& e, hexa::UnitOfWork& uow) {
    auto r = uow.find_one<Reservation>("contractId", e.contractId);
    if (!r) return;
    r->payStatus = e.payStatus;
    r->cancel();
    uow.save(*r);
    uow.raise(hexa::copy_fields<ReservationCanceled>(*r));
  });
}

}  // namespace carrental::reservation

int main(int argc, char** argv) {
  hexa::Service svc("reservation", argc, argv);
  carrental::reservation::declare(svc);
  return svc.run();
}
