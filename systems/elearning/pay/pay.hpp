#pragma once
// Pay: a generic subdomain. One payment per application, taken when the student applies.
#include <string>

#include "hexa/domain.hpp"

namespace elearning {

struct Pay {
  static constexpr std::string_view name = "Pay";

  std::int64_t id = 0;
  std::int64_t applyId = 0;
  std::string studentId;
  std::string studentName;
  std::string bookId;
  std::string bookName;
  std::int64_t qty = 0;
  hexa::Decimal amount;
  std::string address;
  std::string payStatus = "completed";

  static hexa::Fields<Pay> fields() {
    return {hexa::field("id", &Pay::id),
            hexa::field("applyId", &Pay::applyId, {.required = true, .min = 1, .unique = true}),
            hexa::field("studentId", &Pay::studentId),
            hexa::field("studentName", &Pay::studentName),
            hexa::field("bookId", &Pay::bookId),
            hexa::field("bookName", &Pay::bookName),
            hexa::field("qty", &Pay::qty),
            hexa::field("amount", &Pay::amount, {.required = true, .min = 0}),
            hexa::field("address", &Pay::address),
            hexa::field("payStatus", &Pay::payStatus, {.read_only = true})};
  }

  void cancel() {
    if (payStatus == "cancelled") throw hexa::Conflict("payment of application " + std::to_string(applyId) + " is already cancelled");
    payStatus = "cancelled";
  }
};

}  // namespace elearning
