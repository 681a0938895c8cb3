// Marketing service: issues one coupon per order when productdelivery asks (synchronously,
// POST /promotes, safe to repeat), and withdraws it when the order's delivery is canceled.
#include "events.hpp"
#include "hexa/service.hpp"

using namespace shop12st;

int main(int argc, char** argv) {
  hexa::Service svc("marketing", argc, argv);

  svc.resource<Promote>()
      .idempotent_on("orderId")
      .on_created([](Promote& p, hexa::UnitOfWork& uow) {
        p.issue();
        uow.raise(hexa::copy_fields<CouponPublished>(p));
      })
      .deny(hexa::Method::Put, "coupons change only through their order")
      .deny(hexa::Method::Patch, "coupons change only through their order")
      .deny(hexa::Method::Delete, "coupons change only through their order");

  svc.when<DeliveryCanceled>([](const DeliveryCanceled& e, hexa::UnitOfWork& uow) {
    auto p = uow.find_one(&Promote::orderId, e.orderId);
    if (!p) return;  // no coupon was issued (refused, or out of stock)
    p->cancel();
    uow.save(*p);
    uow.raise(hexa::copy_fields<CouponCanceled>(*p));
  });
  return svc.run();
}
