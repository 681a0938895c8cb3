// Pay service: takes the payment of an application (called synchronously by apply, once per
// application however often it is asked) and cancels it when the application is cancelled,
// but only once its delivery is cancelled, synchronously at delivery: a cancelled payment never
// leaves a delivery running. While delivery is down the payment stays completed and the
// cancellation waits (retried with backoff); it completes by itself once delivery is back.
#include "events.hpp"
#include "hexa/service.hpp"

using namespace elearning;

namespace {
Delivery cancelled_delivery_of(const ApplyCancelled& e) {
  Delivery d = hexa::copy_fields<Delivery>(e);
  d.applyId = e.id;
  d.deliveryAddress = e.address;
  return d;
}
}  // namespace

int main(int argc, char** argv) {
  hexa::Service svc("pay", argc, argv);
  auto deliveries = svc.remote<Delivery>("delivery").finds_by(&Delivery::applyId);

  svc.resource<Pay>()
      .idempotent_on("applyId")
      .find_by("payStatus")
      .on_created([](Pay& pay, hexa::UnitOfWork& uow) { uow.raise(hexa::copy_fields<PayCompleted>(pay)); })
      .deny(hexa::Method::Put, "payments change only through their application")
      .deny(hexa::Method::Patch, "payments change only through their application")
      .deny(hexa::Method::Delete, "payments change only through their application");

  // Two remote steps rather than one: each gets its own idempotency key (delivery keeps one
  // answer per key), so a retry repeats each call's effect once.
  svc.when<ApplyCancelled>()
      // The seed's deliveryCancel (POST /deliveries): a delivery not started yet (its
      // PayCompleted not handled yet) is recorded cancelled, so that it never starts...
      .call([&deliveries](const ApplyCancelled& e, const hexa::StepContext& s) {
        try {
          deliveries.create(cancelled_delivery_of(e), s);
        } catch (const hexa::Refused& refused) {
          if (refused.status() != 409) throw;  // 409: it started at this very moment; cancelled next
        }
      })
      // ...and one that had started is cancelled.
      .call([&deliveries](const ApplyCancelled& e, const hexa::StepContext& s) {
        deliveries.command(&Delivery::applyId, e.id, "deliveryStatus", "cancelled", s);
      })
      .then([](const ApplyCancelled& e, hexa::UnitOfWork& uow) {
        auto pay = uow.find_one(&Pay::applyId, e.id);
        if (!pay) return;
        pay->cancel();
        uow.save(*pay);
        uow.raise(hexa::copy_fields<PayCancelled>(*pay));
      });
  return svc.run();
}
