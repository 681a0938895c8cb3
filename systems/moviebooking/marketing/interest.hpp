#pragma once
// The marketing team's own data: how much each movie is booked, to plan its promotions. It
// reads booking events as its own tolerant reader: only the fields it needs, none of the other
// teams' headers, so their changes elsewhere do not touch it.
#include <string>

#include "hexa/domain.hpp"

namespace marketing {

// Booking events as marketing reads them, grouped by the movie they are for.
struct Booked {
  static constexpr std::string_view name = "Booked";
  static constexpr std::string_view key = "movieName";
  std::string movieName;
  std::int64_t qty = 0;
  static hexa::Fields<Booked> fields() {
    return {hexa::field("movieName", &Booked::movieName), hexa::field("qty", &Booked::qty)};
  }
};

struct BookCanceled {
  static constexpr std::string_view name = "BookCanceled";
  static constexpr std::string_view key = "movieName";
  std::string movieName;
  std::int64_t qty = 0;
  static hexa::Fields<BookCanceled> fields() {
    return {hexa::field("movieName", &BookCanceled::movieName), hexa::field("qty", &BookCanceled::qty)};
  }
};

struct MovieInterest {
  static constexpr std::string_view name = "MovieInterest";

  std::int64_t id = 0;
  std::string movieName;
  std::int64_t bookings = 0;
  std::int64_t cancellations = 0;
  std::int64_t seats = 0;  // seats booked and not canceled

  static hexa::Fields<MovieInterest> fields() {
    return {hexa::field("id", &MovieInterest::id),
            hexa::field("movieName", &MovieInterest::movieName, {.unique = true}),
            hexa::field("bookings", &MovieInterest::bookings),
            hexa::field("cancellations", &MovieInterest::cancellations),
            hexa::field("seats", &MovieInterest::seats)};
  }
};

}  // namespace marketing
