#pragma once
// The e-learning system's published language: the domain events its services exchange, named
// as in the seed. Each carries the fields of the aggregate that raised it and names its
// correlation key: the application it belongs to.
#include "apply/apply.hpp"
#include "delivery/delivery.hpp"
#include "pay/pay.hpp"

namespace elearning {

using Applied = hexa::EventOf<Apply, "Applied", "id">;
using ApplyCancelled = hexa::EventOf<Apply, "ApplyCancelled", "id">;
using PayCompleted = hexa::EventOf<Pay, "PayCompleted", "applyId">;
using PayCancelled = hexa::EventOf<Pay, "PayCancelled", "applyId">;
using DeliveryStarted = hexa::EventOf<Delivery, "DeliveryStarted", "applyId">;
using DeliveryCancelled = hexa::EventOf<Delivery, "DeliveryCancelled", "applyId">;

}  // namespace elearning
