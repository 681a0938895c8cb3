// Notice service: alerts the customer on every change of a booking's status (booked, ticket
// printed, canceled) through the channel its configuration names (a webhook, as the seed's
// KakaoTalk, or the log), and records each alert sent. An alert is sent before it is recorded:
// while the channel is down the event waits and is retried, and a repeat carries the same
// Idempotency-Key, so the receiver gets each alert once.
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

std::int64_t booking_of(const Booked& e) { return e.id; }
std::int64_t booking_of(const TicketPrinted& e) { return e.bookingId; }
std::int64_t booking_of(const BookCanceled& e) { return e.id; }

template <class E>
void alert_on(hexa::Service& svc, hexa::Channel& alerts) {
  svc.when<E>()
      .call([&alerts](const E& e, const hexa::StepContext& s) { alerts.send(message_for(e), s); })
      .then([&alerts](const E& e, hexa::UnitOfWork& uow) {
        Notice n = Notice::sent(booking_of(e), message_for(e), alerts.kind());
        uow.add(n);
      });
}

}  // namespace

int main(int argc, char** argv) {
  hexa::Service svc("notice", argc, argv);
  hexa::Channel& alerts = svc.channel("alerts");
  svc.resource<Notice>().read_only("notices are the record of alerts sent; they cannot be written").find_by("bookingId");
  alert_on<Booked>(svc, alerts);
  alert_on<TicketPrinted>(svc, alerts);
  alert_on<BookCanceled>(svc, alerts);
  return svc.run();
}
