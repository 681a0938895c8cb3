// Pay service: takes the payment of an application (called synchronously by apply, once per
// application however often it is asked) and cancels it when the application is cancelled.
#include "events.hpp"
#include "hexa/service.hpp"

using namespace elearning;

int main(int argc, char** argv) {
  hexa::Service svc("pay", argc, argv);

  svc.resource<Pay>()
      .idempotent_on("applyId")
      .find_by("payStatus")
      .on_created([](Pay& pay, hexa::UnitOfWork& uow) { uow.raise(hexa::copy_fields<PayCompleted>(pay)); })
      .deny(hexa::Method::Put, "payments change only through their application")
      .deny(hexa::Method::Patch, "payments change only through their application")
      .deny(hexa::Method::Delete, "payments change only through their application");

  svc.when<ApplyCancelled>([](const ApplyCancelled& e, hexa::UnitOfWork& uow) {
    auto pay = uow.find_one<Pay>("applyId", e.id);
    if (!pay) return;
    pay->cancel();
    uow.save(*pay);
    uow.raise(hexa::copy_fields<PayCancelled>(*pay));
  });
  return svc.run();
}
