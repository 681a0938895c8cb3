// Mypage service: the customer's view of each booking and its status (the seed's CQRS screen).
#include "events.hpp"
#include "hexa/service.hpp"
#include "mypage/mypage.hpp"

using namespace moviebooking;

int main(int argc, char** argv) {
  hexa::Service svc("mypage", argc, argv);

  svc.view<Mypage>("bookingId")
      .on<Booked>([](Mypage& row, const Booked& e) {
        hexa::copy_fields_into(row, e);
        row.statusCode = 1;
      })
      .on<TicketPrinted>([](Mypage& row, const TicketPrinted& e) {
        row.status = e.status;
        row.statusCode = 2;
      })
      .on<BookCanceled>([](Mypage& row, const BookCanceled& e) {
        row.status = e.status;
        row.statusCode = 9;
      });
  return svc.run();
}
