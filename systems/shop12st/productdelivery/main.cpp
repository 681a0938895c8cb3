// Productdelivery service: on each placed order it takes the quantity from stock; then asks
// marketing for the coupon (synchronously, outside any transaction) and starts the delivery
// only once the coupon is issued. Marketing down: the order waits, its units held once, and is
// asked again until marketing answers; a refused coupon puts the units back. A canceled
// order's delivery is canceled and its quantity put back in stock.
#include "events.hpp"
#include "hexa/service.hpp"
#include "productdelivery/stock.hpp"

using namespace shop12st;

namespace {
OrderMgmt delivery_for(const OrderPlaced& e) {
  OrderMgmt m;
  m.orderId = e.id;
  m.itemId = e.productId;
  m.itemName = e.productName;
  m.qty = e.qty;
  m.customerName = e.username;
  m.deliveryAddress = e.address;
  m.deliveryPhoneNumber = e.phoneNo;
  return m;
}

Promote coupon_for(const OrderPlaced& e) {
  Promote p = hexa::copy_fields<Promote>(e);
  p.orderId = e.id;
  return p;
}
}  // namespace

int main(int argc, char** argv) {
  hexa::Service svc("productdelivery", argc, argv);
  auto promotes = svc.remote<Promote>("marketing");

  svc.resource<OrderMgmt>()
      .read_only("deliveries are made from orders; they cannot be written from outside")
      .find_by("orderId");
  svc.resource<Stock>()
      .post_updates_by_key()  // POST /stocks of a product already held sets its count (a restock)
      .deny(hexa::Method::Delete, "a product's stock is set to 0, not deleted");

  svc.when<OrderPlaced>()
      .local([](const OrderPlaced& e, hexa::UnitOfWork& uow) {  // the units are held for the order
        auto stock = uow.find<Stock>(e.productId);
        if (!stock || !stock->covers(e.qty)) {
          OrderMgmt m = delivery_for(e);
          m.out_of_stock();
          uow.add(m);
          uow.raise(hexa::copy_fields<OutOfStock>(m));
          return false;
        }
        stock->take(e.qty);
        uow.save(*stock);
        return true;
      })
      .call([&promotes](const OrderPlaced& e, const hexa::StepContext& s) {
        return promotes.create(coupon_for(e), s);  // s: deadline and Idempotency-Key
      })
      .then([](const OrderPlaced& e, const Promote& coupon, hexa::UnitOfWork& uow) {
        OrderMgmt m = delivery_for(e);
        m.start(coupon.couponId, coupon.couponKind);
        uow.add(m);
        uow.raise(hexa::copy_fields<DeliveryStarted>(m));
      })
      .undo([](const OrderPlaced& e, hexa::UnitOfWork& uow) {  // no coupon, no delivery: units back
        if (auto stock = uow.find<Stock>(e.productId)) {
          stock->put_back(e.qty);
          uow.save(*stock);
        }
        OrderMgmt m = delivery_for(e);
        m.cancel();
        uow.add(m);
        uow.raise(hexa::copy_fields<DeliveryCanceled>(m));
      });

  svc.when<OrderCanceled>([](const OrderCanceled& e, hexa::UnitOfWork& uow) {
    auto m = uow.find_one(&OrderMgmt::orderId, e.id);
    if (!m || !m->started()) return;  // out of stock or refused: nothing held, nothing to cancel
    m->cancel();
    uow.save(*m);
    if (auto stock = uow.find<Stock>(m->itemId)) {
      stock->put_back(m->qty);
      uow.save(*stock);
    }
    uow.raise(hexa::copy_fields<DeliveryCanceled>(*m));
  });
  return svc.run();
}
