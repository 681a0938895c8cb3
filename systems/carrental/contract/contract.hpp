#pragma once
// Contract: the core domain. A customer signs a rental contract for a car model.
#include <string>

#include "hexa/domain.hpp"

namespace carrental {

struct Contract {
  static constexpr std::string_view name = "Contract";

  std::int64_t id = 0;
  std::string custName;
  std::string modelName;
  std::int64_t amt = 0;
  std::string status = "contracted";

  static hexa::Fields<Contract> fields() {
    return {hexa::field("id", &Contract::id),
            hexa::field("custName", &Contract::custName, {.required = true, .settled = true}),
            hexa::field("modelName", &Contract::modelName, {.required = true, .settled = true}),
            hexa::field("amt", &Contract::amt, {.required = true, .min = 1, .settled = true}),
            hexa::field("status", &Contract::status, {.read_only = true})};
  }

  void cancel() {
    if (status == "cancelled") throw hexa::Conflict("contract " + std::to_string(id) + " is already cancelled");
    status = "cancelled";
  }
};

}  // namespace carrental
