// Apply service: takes applications for courses. Applying pays synchronously at pay (no
// application without its payment); cancelling is the seed's PUT (or a PATCH) of
// applyStatus=cancelled, which tells the others through ApplyCancelled.
#include <spdlog/spdlog.h>

#include "events.hpp"
#include "hexa/service.hpp"

using namespace elearning;

// An application is its student's: a caller the gateway limits to its own rows (a STUDENT under
// the `secure` profile) applies, reads and cancels only applications in its own studentId.
template <>
inline constexpr std::string_view hexa::owner_field<Apply> = "studentId";

namespace {
Pay payment_of(const Apply& a) {
  Pay pay = hexa::copy_fields<Pay>(a);
  pay.applyId = a.id;
  return pay;
}
}  // namespace

int main(int argc, char** argv) {
  hexa::Service svc("apply", argc, argv);
  auto pays = svc.remote<Pay>("pay").finds_by(&Pay::applyId);
  const std::string service_type = svc.config().get("cfg.service-type", "DEVELOP");

  svc.resource<Apply>()
      .guarded_by([&pays](const Apply& a, std::int64_t deadline) { pays.create(payment_of(a), deadline); },
                  [&pays](const Apply& a) -> std::optional<bool> {
                    try {
                      return pays.exists(&Pay::applyId, a.id);
                    } catch (const hexa::Unavailable&) {
                      return std::nullopt;  // pay unreachable: ask again later
                    }
                  },
                  "Pay service is busy, try again later", svc.config().get_int("clients.pay.timeout-ms", 610))
      .on_created([&service_type](Apply& a, hexa::UnitOfWork& uow) {
        spdlog::info("application {} by {} for {} (CFG_SERVICE_TYPE={})", a.id, a.studentId, a.bookName, service_type);
        uow.raise(hexa::copy_fields<Applied>(a));
      })
      .command("applyStatus", "cancelled", [](Apply& a, hexa::UnitOfWork& uow) {
        a.cancel();
        uow.raise(hexa::copy_fields<ApplyCancelled>(a));
      })
      .on_updated([](Apply& a, hexa::UnitOfWork&) {
        throw hexa::Conflict("application " + std::to_string(a.id) +
                             " was paid as it is: it can only be cancelled (applyStatus=cancelled)");
      })
      .put_runs_commands()
      .find_by("applyStatus")
      .deny(hexa::Method::Delete, "applications are cancelled, not deleted: PUT applyStatus=cancelled");
  return svc.run();
}
