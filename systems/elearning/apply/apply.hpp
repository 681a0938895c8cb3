#pragma once
// Apply: the core domain. A student applies for a course and its textbook; the application
// counts only once it is paid, and it is changed only by cancelling it.
#include <string>

#include "hexa/domain.hpp"

namespace elearning {

struct Apply {
  static constexpr std::string_view name = "Apply";

  std::int64_t id = 0;
  std::string studentId;
  std::string studentName;
  std::string bookId;
  std::string bookName;
  std::int64_t qty = 0;
  hexa::Decimal amount;
  std::string applyStatus = "completed";
  std::string address;

  static hexa::Fields<Apply> fields() {
    return {hexa::field("id", &Apply::id),
            hexa::field("studentId", &Apply::studentId, {.required = true}),
            hexa::field("studentName", &Apply::studentName),
            hexa::field("bookId", &Apply::bookId),
            hexa::field("bookName", &Apply::bookName),
            hexa::field("qty", &Apply::qty, {.required = true, .min = 1}),
            hexa::field("amount", &Apply::amount, {.required = true, .min = 0}),
            hexa::field("applyStatus", &Apply::applyStatus, {.read_only = true}),
            hexa::field("address", &Apply::address)};
  }

  void cancel() {
    if (applyStatus == "cancelled") throw hexa::Conflict("application " + std::to_string(id) + " is already cancelled");
    applyStatus = "cancelled";
  }
};

}  // namespace elearning
