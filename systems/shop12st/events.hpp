#pragma once
// The 12번가 system's published language: the domain events its services exchange, named as
// in the seed. Each carries the fields of the aggregate that raised it and names its
// correlation key: the order it belongs to (an Order's own id, orderId elsewhere).
#include "marketing/promote.hpp"
#include "order/order.hpp"
#include "productdelivery/order_mgmt.hpp"

namespace shop12st {

using OrderPlaced = hexa::EventOf<Order, "OrderPlaced", "id">;
using OrderCanceled = hexa::EventOf<Order, "OrderCanceled", "id">;
using DeliveryStarted = hexa::EventOf<OrderMgmt, "DeliveryStarted", "orderId">;
using DeliveryCanceled = hexa::EventOf<OrderMgmt, "DeliveryCanceled", "orderId">;
using OutOfStock = hexa::EventOf<OrderMgmt, "OutOfStock", "orderId">;
using CouponPublished = hexa::EventOf<Promote, "CouponPublished", "orderId">;
using CouponCanceled = hexa::EventOf<Promote, "CouponCanceled", "orderId">;

}  // namespace shop12st
