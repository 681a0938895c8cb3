#pragma once
// Order: the core domain of the order team. A customer orders a product and pays for it at
// once (the seed bound order and payment into one aggregate: one local transaction).
#include <string>

#include "hexa/domain.hpp"

namespace shop12st {

struct Order {
  static constexpr std::string_view name = "Order";

  std::int64_t id = 0;
  std::string username;
  std::string userId;
  std::string address;
  std::string phoneNo;
  std::string productId;
  std::string productName;
  std::int64_t productPrice = 0;
  std::int64_t qty = 0;
  std::string payStatus;
  std::string orderStatus;
  hexa::Timestamp orderDate;  // when it was placed, set by the service
  std::string couponId;    // the coupon marketing gave with the delivery
  std::string couponKind;
  std::string couponUseYn;

  static hexa::Fields<Order> fields() {
    return {hexa::field("id", &Order::id),
            hexa::field("username", &Order::username, {.required = true}),
            hexa::field("userId", &Order::userId),
            hexa::field("address", &Order::address, {.required = true}),
            hexa::field("phoneNo", &Order::phoneNo),
            hexa::field("productId", &Order::productId, {.required = true}),
            hexa::field("productName", &Order::productName),
            hexa::field("productPrice", &Order::productPrice, {.min = 0}),
            hexa::field("qty", &Order::qty, {.required = true, .min = 1}),
            hexa::field("payStatus", &Order::payStatus, {.read_only = true}),
            hexa::field("orderStatus", &Order::orderStatus, {.read_only = true}),
            hexa::field("orderDate", &Order::orderDate, {.read_only = true}),
            hexa::field("couponId", &Order::couponId, {.read_only = true}),
            hexa::field("couponKind", &Order::couponKind, {.read_only = true}),
            hexa::field("couponUseYn", &Order::couponUseYn, {.read_only = true})};
  }

  // Ordering is paying: both or neither.
  void place(hexa::Timestamp now) {
    payStatus = "paid";
    orderStatus = "orderPlaced";
    orderDate = now;
  }

  // The payment is cancelled with the order.
  void cancel() {
    if (orderStatus == "orderCanceled") throw hexa::Conflict("order " + std::to_string(id) + " is already canceled");
    orderStatus = "orderCanceled";
    payStatus = "payCanceled";
  }

  // A delivery canceled while the order stands was canceled by the shop (marketing refused the
  // coupon): the order cannot be delivered, so it ends there and its payment is refunded.
  void delivery_canceled() {
    if (orderStatus == "orderCanceled") return;  // the customer's own cancel, refunded already
    orderStatus = "orderCanceled";
    payStatus = "payCanceled";
  }

  void coupon_given(const std::string& coupon, const std::string& kind) {
    couponId = coupon;
    couponKind = kind;
    couponUseYn = "Y";
  }
  void coupon_withdrawn() { couponUseYn = "N"; }
};

}  // namespace shop12st
