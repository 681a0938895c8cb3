// Delivery service: starts the textbook delivery once the application is paid, and cancels it
// before its payment is cancelled. Event-driven for the start, so applications and payments
// are taken even while it is down.
#include "events.hpp"
#include "hexa/service.hpp"

using namespace elearning;

int main(int argc, char** argv) {
  hexa::Service svc("delivery", argc, argv);

  svc.resource<Delivery>()
      .idempotent_on("applyId")
      .find_by("deliveryStatus")
      .command("deliveryStatus", "cancelled", [](Delivery& d, hexa::UnitOfWork& uow) {
        d.cancel();
        uow.raise(hexa::copy_fields<DeliveryCancelled>(d));
      })
      .deny(hexa::Method::Post, "deliveries start from payments")
      .deny(hexa::Method::Put, "a delivery is not replaced; PATCH deliveryStatus=cancelled cancels it")
      .deny(hexa::Method::Delete, "deliveries are cancelled, not deleted: PATCH deliveryStatus=cancelled");

  svc.when<PayCompleted>([](const PayCompleted& e, hexa::UnitOfWork& uow) {
    if (uow.find_one<Delivery>("applyId", e.applyId)) return;
    Delivery d = hexa::copy_fields<Delivery>(e);
    d.deliveryAddress = e.address;
    uow.add(d);
    uow.raise(hexa::copy_fields<DeliveryStarted>(d));
  });

  svc.when<PayCancelled>([](const PayCancelled& e, hexa::UnitOfWork& uow) {
    auto d = uow.find_one<Delivery>("applyId", e.applyId);
    if (!d || !d->running()) return;
    d->cancel();
    uow.save(*d);
    uow.raise(hexa::copy_fields<DeliveryCancelled>(*d));
  });
  return svc.run();
}
