// MyPage service: the student's view of each application, its payment and its delivery.
#include "events.hpp"
#include "hexa/service.hpp"
#include "mypage.hpp"

using namespace elearning;

// A row is the screen of the application's student: a caller the gateway limits to its own
// rows sees only the rows in its studentId.
template <>
inline constexpr std::string_view hexa::owner_field<MyPage> = "studentId";

namespace {
template <class E>
void fill(MyPage& row, const E& e) {
  row.studentId = e.studentId;
  row.studentName = e.studentName;
  row.bookName = e.bookName;
  row.qty = e.qty;
  row.amount = e.amount;
}
}  // namespace

int main(int argc, char** argv) {
  hexa::Service svc("mypage", argc, argv);

  svc.view<MyPage>("applyId")
      .on<Applied>([](MyPage& row, const Applied& e) { fill(row, e); row.applyStatus = e.applyStatus; })
      .on<ApplyCancelled>([](MyPage& row, const ApplyCancelled& e) { fill(row, e); row.applyStatus = e.applyStatus; })
      .on<PayCompleted>([](MyPage& row, const PayCompleted& e) { fill(row, e); row.payStatus = e.payStatus; })
      .on<PayCancelled>([](MyPage& row, const PayCancelled& e) { row.payStatus = e.payStatus; })
      .on<DeliveryStarted>([](MyPage& row, const DeliveryStarted& e) { row.deliveryStatus = e.deliveryStatus; })
      .on<DeliveryCancelled>([](MyPage& row, const DeliveryCancelled& e) { row.deliveryStatus = e.deliveryStatus; });
  return svc.run();
}
