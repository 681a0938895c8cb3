#pragma once
// What a payment and a delivery carry of their application, declared once: who applied and
// for which textbook, in what quantity (copied from the application's events).
#include <string>

#include "hexa/domain.hpp"

namespace elearning {

struct TextbookOrder {
  std::string studentId;
  std::string studentName;
  std::string bookId;
  std::string bookName;
  std::int64_t qty = 0;

  static hexa::Fields<TextbookOrder> fields() {
    return {hexa::field("studentId", &TextbookOrder::studentId),
            hexa::field("studentName", &TextbookOrder::studentName),
            hexa::field("bookId", &TextbookOrder::bookId),
            hexa::field("bookName", &TextbookOrder::bookName),
            hexa::field("qty", &TextbookOrder::qty)};
  }
};

// The fields of an aggregate derived from TextbookOrder: its own `keys` (id, applyId), the
// order's, then its own `rest`, in that order on the wire.
template <class T>
hexa::Fields<T> with_textbook_order(hexa::Fields<T> keys, const hexa::Fields<T>& rest) {
  for (auto& f : hexa::inherit_fields<T, TextbookOrder>()) keys.push_back(std::move(f));
  keys.insert(keys.end(), rest.begin(), rest.end());
  return keys;
}

}  // namespace elearning
