#pragma once
// OrderMgmt: the product delivery team's delivery of one order (the seed's Ordermgmt entity,
// served at /ordermgmts as in the seed). It starts only with the coupon marketing issued.
#include <string>

#include "hexa/domain.hpp"

namespace shop12st {

struct OrderMgmt {
  static constexpr std::string_view name = "Ordermgmt";  // the seed's entity: /ordermgmts

  std::int64_t id = 0;
  std::int64_t orderId = 0;
  std::string itemId;  // the order's productId
  std::string itemName;
  std::int64_t qty = 0;
  std::string customerName;
  std::string deliveryAddress;
  std::string deliveryPhoneNumber;
  std::string orderStatus;  // deliveryStarted | deliveryCanceled | outOfStock
  std::string couponId;     // handed over with the parcel
  std::string couponKind;

  static hexa::Fields<OrderMgmt> fields() {
    return {hexa::field("id", &OrderMgmt::id),
            hexa::field("orderId", &OrderMgmt::orderId, {.unique = true}),
            hexa::field("itemId", &OrderMgmt::itemId, {.indexed = true}),
            hexa::field("itemName", &OrderMgmt::itemName),
            hexa::field("qty", &OrderMgmt::qty),
            hexa::field("customerName", &OrderMgmt::customerName),
            hexa::field("deliveryAddress", &OrderMgmt::deliveryAddress),
            hexa::field("deliveryPhoneNumber", &OrderMgmt::deliveryPhoneNumber),
            hexa::field("orderStatus", &OrderMgmt::orderStatus),
            hexa::field("couponId", &OrderMgmt::couponId),
            hexa::field("couponKind", &OrderMgmt::couponKind)};
  }

  bool started() const { return orderStatus == "deliveryStarted"; }

  void start(const std::string& coupon, const std::string& kind) {
    couponId = coupon;
    couponKind = kind;
    orderStatus = "deliveryStarted";
  }
  void out_of_stock() { orderStatus = "outOfStock"; }
  void cancel() {
    if (orderStatus == "deliveryCanceled")
      throw hexa::Conflict("delivery of order " + std::to_string(orderId) + " is already canceled");
    orderStatus = "deliveryCanceled";
  }
};

}  // namespace shop12st
