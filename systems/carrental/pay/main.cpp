// Pay service: takes the payment of a contract (called synchronously by contract, once per
// contract however often it is asked) and refunds it when the contract is cancelled.
#include "events.hpp"
#include "hexa/service.hpp"

using namespace carrental;

namespace carrental::pay {

void declare(hexa::Service& svc) {
  svc.resource<Pay>()
      .idempotent_on("contractId")
      .on_created([](Pay& pay, hexa::UnitOfWork& uow) { uow.raise(hexa::copy_fields<Payed>(pay)); })
      .deny(hexa::Method::Put, "payments change only through their contract")
      .deny(hexa::Method::Patch, "payments change only through their contract")
      .deny(hexa::Method::Delete, "payments change only through their contract");

  svc.when<ContractCanceled>([](const ContractCanceled& e, hexa::UnitOfWork& uow) {
    auto pay = uow.find_one<Pay>("contractId", e.id);
    if (!pay) return;
    pay->cancel();
    uow.save(*pay);
    uow.raise(hexa::copy_fields<PayCanceled>(*pay));
  });
}

}  // namespace carrental::pay

int main(int argc, char** argv) {
  hexa::Service svc("pay", argc, argv);
  carrental::pay::declare(svc);
  return svc.run();
}
