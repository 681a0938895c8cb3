#pragma once
// OrderStatus: the customer's screen (CQRS), one row per order, kept only from events of the
// three teams (the coupon from marketing's CouponPublished / CouponCanceled). Its
// orderStatus follows the case: orderPlaced -> deliveryStarted | outOfStock -> orderCanceled
// -> deliveryCanceled; couponUseYn turns N when marketing withdrew the coupon.
#include <string>

#include "hexa/domain.hpp"

namespace shop12st {

struct OrderStatus {
  static constexpr std::string_view name = "OrderStatus";

  std::int64_t id = 0;
  std::int64_t orderId = 0;
  std::string username;
  std::string userId;
  std::string productId;
  std::string productName;
  std::int64_t productPrice = 0;
  std::int64_t qty = 0;
  std::string orderStatus;
  std::string couponId;
  std::string couponKind;
  std::string couponUseYn;

  static hexa::Fields<OrderStatus> fields() {
    return {hexa::field("id", &OrderStatus::id),
            hexa::field("orderId", &OrderStatus::orderId, {.unique = true}),
            hexa::field("username", &OrderStatus::username),
            hexa::field("userId", &OrderStatus::userId),
            hexa::field("productId", &OrderStatus::productId),
            hexa::field("productName", &OrderStatus::productName),
            hexa::field("productPrice", &OrderStatus::productPrice),
            hexa::field("qty", &OrderStatus::qty),
            hexa::field("orderStatus", &OrderStatus::orderStatus),
            hexa::field("couponId", &OrderStatus::couponId),
            hexa::field("couponKind", &OrderStatus::couponKind),
            hexa::field("couponUseYn", &OrderStatus::couponUseYn)};
  }
};

}  // namespace shop12st
