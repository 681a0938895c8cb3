// Delivery service: starts the textbook delivery once the application is paid, and is asked by
// pay, synchronously, to cancel it before the payment is cancelled. Event-driven for the start,
// so applications and payments are taken even while it is down.
#include "events.hpp"
#include "hexa/service.hpp"

using namespace elearning;

int main(int argc, char** argv) {
  hexa::Service svc("delivery", argc, argv);

  svc.resource<Delivery>()
      // POST is the seed's deliveryCancel, as pay calls it: it records the cancellation of a
      // delivery that has not started (its PayCompleted not handled yet), so that it never
      // starts; a delivery that exists is answered as it is (pay then cancels it by PATCH).
      .idempotent_on("applyId")
      .on_created([](Delivery& d, hexa::UnitOfWork& uow) {
        d.cancel();
        uow.raise(hexa::copy_fields<DeliveryCancelled>(d));
      })
      .command("deliveryStatus", "cancelled", [](Delivery& d, hexa::UnitOfWork& uow) {
        if (!d.running()) return;  // cancelled before it started: nothing left to stop
        d.cancel();
        uow.raise(hexa::copy_fields<DeliveryCancelled>(d));
      })
      .on_updated([](Delivery& d, hexa::UnitOfWork&) {
        throw hexa::Conflict("delivery of application " + std::to_string(d.applyId) +
                             " can only be cancelled (deliveryStatus=cancelled)");
      })
      .find_by("deliveryStatus")
      .deny(hexa::Method::Put, "a delivery is not replaced; PATCH deliveryStatus=cancelled cancels it")
      .deny(hexa::Method::Delete, "deliveries are cancelled, not deleted: PATCH deliveryStatus=cancelled");

  svc.when<PayCompleted>([](const PayCompleted& e, hexa::UnitOfWork& uow) {
    if (uow.find_one(&Delivery::applyId, e.applyId)) return;  // started, or cancelled before it could
    Delivery d = hexa::copy_fields<Delivery>(e);
    d.deliveryAddress = e.address;
    uow.add(d);
    uow.raise(hexa::copy_fields<DeliveryStarted>(d));
  });
  return svc.run();
}
