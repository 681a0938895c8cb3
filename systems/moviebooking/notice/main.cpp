// Notice service: alerts the customer on every change of a booking's status (booked, ticket
// printed, canceled) through the channel its configuration names, and records each alert.
#include <spdlog/spdlog.h>

#include "events.hpp"
#include "hexa/service.hpp"
#include "notice/notice.hpp"

using namespace moviebooking;

namespace {

std::string message_for(const Booked& e) {
  return e.movieName + " " + e.seat + " (" + std::to_string(e.qty) + "매) 예매가 완료되었습니다. 예매번호 " +
         std::to_string(e.id);
}
std::string message_for(const TicketPrinted& e) {
  return e.movieName + " " + e.seat + " 티켓이 발권되었습니다. 예매번호 " + std::to_string(e.bookingId);
}
std::string message_for(const BookCanceled& e) {
  return e.movieName + " " + e.seat + " 예매가 취소되었습니다. 예매번호 " + std::to_string(e.id);
}

template <class E>
void alert_on(hexa::Service& svc) {
  // TEMPORARY until channels land (f1): the alert goes to the log only.
  svc.when<E>([](const E& e, hexa::UnitOfWork& uow) {
    Notice n = Notice::sent(std::get<std::int64_t>(hexa::to_record(e).at(std::string(E::key))), message_for(e), "log");
    spdlog::info("alert: {}", n.message);
    uow.add(n);
  });
}

}  // namespace

int main(int argc, char** argv) {
  hexa::Service svc("notice", argc, argv);
  svc.resource<Notice>().read_only("notices are the record of alerts sent; they cannot be written").find_by("bookingId");
  alert_on<Booked>(svc);
  alert_on<TicketPrinted>(svc);
  alert_on<BookCanceled>(svc);
  return svc.run();
}
