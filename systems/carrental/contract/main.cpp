// Contract service: signs contracts. Signing calls pay synchronously (no contract without its
// payment); cancelling is a command that tells the others through ContractCanceled.
#include <spdlog/spdlog.h>

#include "events.hpp"
#include "hexa/service.hpp"

using namespace carrental;

// A contract is its customer's: a caller the gateway limits to its own rows (a CUSTOMER under
// the `secure` profile) signs, reads and cancels only contracts in its own name.
template <>
inline constexpr std::string_view hexa::owner_field<Contract> = "custName";

namespace carrental::contract {

void declare(hexa::Service& svc) {
  auto pays = svc.remote<Pay>("pay").finds_by(&Pay::contractId);
  const std::string system_mode = svc.config().get("system.mode", "LOCAL_SYSTEM");

  svc.resource<Contract>()
      .guarded_by(
          [pays](const Contract& c, std::int64_t deadline) {
            Pay pay = hexa::copy_fields<Pay>(c);
            pay.id = 0;
            pay.contractId = c.id;
            pays.create(pay, deadline);
          },
          [pays](const Contract& c) -> std::optional<bool> {
            try {
              return pays.find_one(&Pay::contractId, c.id).has_value();
            } catch (const hexa::Unavailable&) {
              return std::nullopt;  // pay unreachable: ask again later
            }
          },
          "payment is busy, please try again later", svc.config().get_int("clients.pay.timeout-ms", 610))
      .on_created([system_mode](Contract& c, hexa::UnitOfWork& uow) {
        spdlog::info("contract {} signed by {} for {} (SYSTEM_MODE={})", c.id, c.custName, c.modelName, system_mode);
        uow.raise(hexa::copy_fields<ContractCompleted>(c));
      })
      .command("status", "cancelled", [](Contract& c, hexa::UnitOfWork& uow) {
        c.cancel();
        uow.raise(hexa::copy_fields<ContractCanceled>(c));
      })
      .deny(hexa::Method::Put, "a contract is not replaced; PATCH its status to cancel it")
      .deny(hexa::Method::Delete, "contracts are cancelled, not deleted: PATCH {\"status\":\"cancelled\"}");
}

}  // namespace carrental::contract

int main(int argc, char** argv) {
  hexa::Service svc("contract", argc, argv);
  carrental::contract::declare(svc);
  return svc.run();
}
