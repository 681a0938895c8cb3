// Order service: takes orders with their payment in one transaction, cancels them, and keeps
// the customer's OrderStatus screen from the events of all three teams.
#include "events.hpp"
#include "hexa/service.hpp"
#include "order/order_status.hpp"

using namespace shop12st;

// An order and its status row are their customer's: a caller the gateway limits to its own rows
// (a CUSTOMER under the `secure` profile) orders, reads and cancels only in its own name.
template <>
inline constexpr std::string_view hexa::owner_field<Order> = "username";
template <>
inline constexpr std::string_view hexa::owner_field<OrderStatus> = "username";

int main(int argc, char** argv) {
  hexa::Service svc("order", argc, argv);

  svc.resource<Order>()
      .on_created([](Order& o, hexa::UnitOfWork& uow) {
        o.place(hexa::Timestamp::now());
        uow.raise(hexa::copy_fields<OrderPlaced>(o));
      })
      .command("orderStatus", "orderCanceled", [](Order& o, hexa::UnitOfWork& uow) {
        o.cancel();
        uow.raise(hexa::copy_fields<OrderCanceled>(o));
      })
      .deny(hexa::Method::Put, "an order is not replaced; PATCH {\"orderStatus\":\"orderCanceled\"} cancels it")
      .deny(hexa::Method::Delete, "orders are canceled, not deleted: PATCH {\"orderStatus\":\"orderCanceled\"}");

  // The order keeps the coupon that came with its delivery, and is refunded when the shop
  // canceled its delivery.
  svc.when<DeliveryStarted>([](const DeliveryStarted& e, hexa::UnitOfWork& uow) {
    auto o = uow.find<Order>(e.orderId);
    if (!o) return;
    o->coupon_given(e.couponId, e.couponKind);
    uow.save(*o);
  });
  svc.when<DeliveryCanceled>([](const DeliveryCanceled& e, hexa::UnitOfWork& uow) {
    auto o = uow.find<Order>(e.orderId);
    if (!o) return;
    o->delivery_canceled();
    uow.save(*o);
  });
  svc.when<CouponCanceled>([](const CouponCanceled& e, hexa::UnitOfWork& uow) {
    auto o = uow.find<Order>(e.orderId);
    if (!o) return;
    o->coupon_withdrawn();
    uow.save(*o);
  });

  svc.view<OrderStatus>("orderId")
      .on<OrderPlaced>([](OrderStatus& row, const OrderPlaced& e) {
        hexa::copy_fields_into(row, e);
        row.orderStatus = e.orderStatus;
      })
      .on<CouponPublished>([](OrderStatus& row, const CouponPublished& e) {
        row.couponId = e.couponId;
        row.couponKind = e.couponKind;
        row.couponUseYn = e.couponUseYn;
      })
      .on<DeliveryStarted>([](OrderStatus& row, const DeliveryStarted& e) { row.orderStatus = e.orderStatus; })
      .on<OutOfStock>([](OrderStatus& row, const OutOfStock& e) { row.orderStatus = e.orderStatus; })
      .on<OrderCanceled>([](OrderStatus& row, const OrderCanceled& e) { row.orderStatus = e.orderStatus; })
      .on<DeliveryCanceled>([](OrderStatus& row, const DeliveryCanceled& e) { row.orderStatus = e.orderStatus; })
      .on<CouponCanceled>([](OrderStatus& row, const CouponCanceled& e) { row.couponUseYn = e.couponUseYn; });
  return svc.run();
}
