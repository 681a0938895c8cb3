#pragma once
// Promote: the marketing team's coupon for an order (a supporting domain). One coupon per
// order, however often productdelivery asks; couponUseYn is Y while it can be used.
#include <string>

#include "hexa/domain.hpp"

namespace shop12st {

struct Promote {
  static constexpr std::string_view name = "Promote";

  std::int64_t id = 0;
  std::int64_t orderId = 0;
  std::string userId;
  std::string username;
  std::string phoneNo;
  std::string productId;
  std::string orderStatus;
  std::string payStatus;
  std::string couponId;
  std::string couponKind;
  std::string couponUseYn;

  static hexa::Fields<Promote> fields() {
    return {hexa::field("id", &Promote::id),
            hexa::field("orderId", &Promote::orderId, {.required = true, .min = 1, .unique = true}),
            hexa::field("userId", &Promote::userId),
            hexa::field("username", &Promote::username),
            hexa::field("phoneNo", &Promote::phoneNo),
            hexa::field("productId", &Promote::productId),
            hexa::field("orderStatus", &Promote::orderStatus),
            hexa::field("payStatus", &Promote::payStatus),
            hexa::field("couponId", &Promote::couponId, {.read_only = true}),
            hexa::field("couponKind", &Promote::couponKind, {.read_only = true}),
            hexa::field("couponUseYn", &Promote::couponUseYn, {.read_only = true})};
  }

  // The coupon's number follows the promote's own id; every order gets the delivery discount.
  void issue() {
    couponId = "CPN-" + std::to_string(id);
    couponKind = "deliveryDiscount";
    couponUseYn = "Y";
  }
  void cancel() {
    if (couponUseYn == "N") throw hexa::Conflict("coupon " + couponId + " is already canceled");
    couponUseYn = "N";
    orderStatus = "orderCanceled";
  }
};

}  // namespace shop12st
