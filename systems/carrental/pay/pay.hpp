#pragma once
// Pay: a generic subdomain (could be a third party). One payment per contract.
#include <string>

#include "hexa/domain.hpp"

namespace carrental {

struct Pay {
  static constexpr std::string_view name = "Pay";

  std::int64_t id = 0;
  std::int64_t contractId = 0;
  std::string custName;
  std::string modelName;
  std::int64_t amt = 0;
  std::string payStatus = "paid";

  static hexa::Fields<Pay> fields() {
    return {hexa::field("id", &Pay::id),
            hexa::field("contractId", &Pay::contractId, {.required = true, .min = 1, .unique = true}),
            hexa::field("custName", &Pay::custName),
            hexa::field("modelName", &Pay::modelName),
            hexa::field("amt", &Pay::amt, {.required = true, .min = 1}),
            hexa::field("payStatus", &Pay::payStatus, {.read_only = true})};
  }

  void cancel() {
    if (payStatus == "cancelled") throw hexa::Conflict("payment of contract " + std::to_string(contractId) + " is already cancelled");
    payStatus = "cancelled";
  }
};

}  // namespace carrental
