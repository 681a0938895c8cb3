// Notice service: an alert to the customer on every change of a reservation's status (the
// seed sent KakaoTalk messages), through the channel configuration names (webhook or log),
// each recorded in /notices. Sending is a remote step outside any transaction: while the
// channel is down the event waits and is sent again later, never lost.
#include <string>

#include "events.hpp"
#include "hexa/service.hpp"
#include "notice.hpp"

using namespace roomreservation;

namespace {
std::string what_happened(const std::string& reserveStatus) {
  if (reserveStatus == "reserve") return "예약이 접수되었습니다";
  if (reserveStatus == "paymentComp") return "결제가 완료되어 예약이 확정되었습니다";
  if (reserveStatus == "cancel") return "예약이 취소되었습니다";
  if (reserveStatus == "checkOut") return "체크아웃되었습니다";
  return "예약 상태가 " + reserveStatus + "(으)로 바뀌었습니다";
}

std::string message_for(const Reservation& r) {
  return r.customerName + "님, 객실 " + std::to_string(r.roomNumber) + " 예약 " +
         std::to_string(r.reservationNumber) + ": " + what_happened(r.reserveStatus);
}

template <class E>
void alert_on(hexa::Service& svc, hexa::Channel& alerts) {
  svc.when<E>()
      .call([&alerts](const E& e, const hexa::StepContext& s) { alerts.send(message_for(e), s); })
      .then([&alerts](const E& e, hexa::UnitOfWork& uow) {
        Notice n;
        n.reservationNumber = e.reservationNumber;
        n.message = message_for(e);
        n.channel = alerts.kind();
        n.sentAt = hexa::Timestamp::now();
        uow.add(n);
      });
}
}  // namespace

int main(int argc, char** argv) {
  hexa::Service svc("notice", argc, argv);
  hexa::Channel& alerts = svc.channel("alerts");

  alert_on<Reserved>(svc, alerts);
  alert_on<ReservationConfirmed>(svc, alerts);
  alert_on<ReservationCanceled>(svc, alerts);
  alert_on<CheckedOut>(svc, alerts);

  svc.resource<Notice>().read_only("notices are the alerts sent; they are written only by sending them").find_by(
      "reservationNumber");
  return svc.run();
}
