#pragma once
// Stock: how many units of a product the delivery team holds, one row per product, known by
// the product's id (/stocks/{productId}).
#include <string>

#include "hexa/domain.hpp"

namespace shop12st {

struct Stock {
  static constexpr std::string_view name = "Stock";

  std::string productId;
  std::string productName;
  std::int64_t stock = 0;  // units on hand

  static hexa::Fields<Stock> fields() {
    return {hexa::field("productId", &Stock::productId, {.required = true, .key = true, .assigned = true}),
            hexa::field("productName", &Stock::productName),
            hexa::field("stock", &Stock::stock, {.required = true, .min = 0})};
  }

  bool covers(std::int64_t qty) const { return stock >= qty; }
  void take(std::int64_t qty) {
    if (!covers(qty))
      throw hexa::Conflict("product " + productId + " has " + std::to_string(stock) + " left, not " +
                           std::to_string(qty));
    stock -= qty;
  }
  void put_back(std::int64_t qty) { stock += qty; }
};

}  // namespace shop12st
