#pragma once
// MyPage: the student's screen, a CQRS view with one row per application, kept only from
// events: the application's, its payment's and its delivery's status side by side.
#include <string>

#include "hexa/domain.hpp"

namespace elearning {

struct MyPage {
  static constexpr std::string_view name = "MyPage";

  std::int64_t id = 0;
  std::int64_t applyId = 0;
  std::string studentId;
  std::string studentName;
  std::string bookName;
  std::int64_t qty = 0;
  hexa::Decimal amount;
  std::string applyStatus;
  std::string payStatus;
  std::string deliveryStatus;

  static hexa::Fields<MyPage> fields() {
    return {hexa::field("id", &MyPage::id),
            hexa::field("applyId", &MyPage::applyId, {.unique = true}),
            hexa::field("studentId", &MyPage::studentId),
            hexa::field("studentName", &MyPage::studentName),
            hexa::field("bookName", &MyPage::bookName),
            hexa::field("qty", &MyPage::qty),
            hexa::field("amount", &MyPage::amount),
            hexa::field("applyStatus", &MyPage::applyStatus),
            hexa::field("payStatus", &MyPage::payStatus),
            hexa::field("deliveryStatus", &MyPage::deliveryStatus)};
  }
};

}  // namespace elearning
