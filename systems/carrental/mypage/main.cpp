// MyPage service: the customer's view of each contract, its payment and its reservation.
#include "events.hpp"
#include "hexa/service.hpp"
#include "mypage.hpp"

using namespace carrental;

// A row is the screen of the contract's customer: a caller the gateway limits to its own rows
// sees only the rows in its name.
template <>
inline constexpr std::string_view hexa::owner_field<MyPage> = "custName";

namespace {
template <class E>
void fill(MyPage& row, const E& e) {
  row.custName = e.custName;
  row.modelName = e.modelName;
  row.amt = e.amt;
}
}  // namespace

namespace carrental::mypage {

void declare(hexa::Service& svc) {
  svc.view<MyPage>("contractId")
      .on<ContractCompleted>([](MyPage& row, const ContractCompleted& e) { fill(row, e); row.status = e.status; })
      .on<ContractCanceled>([](MyPage& row, const ContractCanceled& e) { fill(row, e); row.status = e.status; })
      .on<Payed>([](MyPage& row, const Payed& e) { fill(row, e); row.payStatus = e.payStatus; })
      .on<PayCanceled>([](MyPage& row, const PayCanceled& e) { row.payStatus = e.payStatus; })
      .on<Reserved>([](MyPage& row, const Reserved& e) { fill(row, e); row.reservationStatus = e.reservationStatus; })
      .on<ReservationCanceled>([](MyPage& row, const ReservationCanceled& e) {
        row.reservationStatus = e.reservationStatus;
      });
}

}  // namespace carrental::mypage

int main(int argc, char** argv) {
  hexa::Service svc("mypage", argc, argv);
  carrental::mypage::declare(svc);
  return svc.run();
}
