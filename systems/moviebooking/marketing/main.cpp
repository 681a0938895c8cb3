// Marketing service: the new team's (the seed's "신규 개발 조직의 추가"). It only subscribes to
// booking events and keeps its own data, so no other service knows it exists; started later,
// it begins at the current end of the stream (application.yaml), and removing it affects nothing.
#include "hexa/service.hpp"
#include "marketing/interest.hpp"

using namespace marketing;

int main(int argc, char** argv) {
  hexa::Service svc("marketing", argc, argv);

  svc.view<MovieInterest>("movieName")
      .on<Booked>([](MovieInterest& row, const Booked& e) {
        row.bookings += 1;
        row.seats += e.qty;
      })
      .on<BookCanceled>([](MovieInterest& row, const BookCanceled& e) {
        row.cancellations += 1;
        row.seats -= e.qty;
      });
  return svc.run();
}
