// Reservation service: customers reserve rooms, pay (a synchronous call to payment: no
// confirmed reservation without its payment), cancel; the manager checks guests out. The seed
// changes a reservation by POSTing it again with its number: that is an update here.
#include "events.hpp"
#include "hexa/service.hpp"
#include "room_state.hpp"

using namespace roomreservation;

// A reservation is its customer's: a caller the gateway limits to its own rows (a CUSTOMER under
// the `secure` profile) reserves, pays, cancels and reads only reservations in its own name.
template <>
inline constexpr std::string_view hexa::owner_field<Reservation> = "customerName";

namespace {
void reserve(Reservation& r, hexa::UnitOfWork& uow) {
  const auto room = uow.find<RoomState>(r.roomNumber);
  if (!room) throw hexa::Invalid("room " + std::to_string(r.roomNumber) + " is not a registered room");
  if (!room->bookable()) throw hexa::Conflict("room " + std::to_string(r.roomNumber) + " is not available");
  r.reserveStatus = "reserve";
  uow.raise(hexa::copy_fields<Reserved>(r));
}

Payment payment_for(const Reservation& r) {
  Payment p;
  p.reservationNumber = r.reservationNumber;
  p.paymentPrice = r.paymentPrice;
  return p;
}

// Paying is a guarded command: no paymentComp without payment's yes, and no payment kept for a
// reservation that is not confirmed (resource.hpp, rest::CommandGuard).
hexa::CommandGuard<Reservation> paid_by(hexa::Remote<Payment>& payments) {
  return {.confirm = [&payments](const Reservation& r, std::int64_t deadline_ms) {
            r.check_payable();  // nothing is charged for a refused transition
            if (payments.create(payment_for(r), deadline_ms).status != "paid")
              throw hexa::Conflict("reservation " + std::to_string(r.reservationNumber) + " was cancelled");
          },
          .confirmed = [&payments](const Reservation& r) -> std::optional<bool> {
            try {
              return payments.exists(&Payment::reservationNumber, r.reservationNumber);
            } catch (const hexa::Unavailable&) {
              return std::nullopt;  // payment unreachable: ask again later
            }
          },
          .then = [](Reservation& r, hexa::UnitOfWork& uow) {
            // Cancelled by the saga while payment was asked: its ReservationCanceled refunds
            // the payment (payment keeps the order of the two, see there).
            if (!r.live()) return;
            r.paid();
            uow.raise(hexa::copy_fields<ReservationConfirmed>(r));
          },
          .fallback = "payment is busy, please try again later",
          // the whole ask, retries included (each attempt: clients.payment.timeout-ms); an
          // outcome still unknown then is settled by the reconciler soon after
          .timeout_ms = 1500};
}

// The saga's compensation: room refused the reservation (room unknown or already taken).
void compensate(const RoomReservationRejected& e, hexa::UnitOfWork& uow) {
  auto r = uow.find<Reservation>(e.reservationNumber);
  if (!r || !r->live()) return;
  r->cancel();
  uow.save(*r);
  uow.raise(hexa::copy_fields<ReservationCanceled>(*r));
}
}  // namespace

int main(int argc, char** argv) {
  hexa::Service svc("reservation", argc, argv);
  auto payments = svc.remote<Payment>("payment").finds_by(&Payment::reservationNumber);

  svc.local_view<RoomState>("roomNumber")
      .on<RoomConditionChanged>([](RoomState& s, const RoomConditionChanged& e) { s.roomStatus = e.roomStatus; });

  svc.resource<Reservation>()
      .post_updates_by_key()
      .on_created(reserve)
      .command("reserveStatus", "payment")
      .guarded_by(paid_by(payments))
      .command("reserveStatus", "cancel", [](Reservation& r, hexa::UnitOfWork& uow) {
        r.cancel();
        uow.raise(hexa::copy_fields<ReservationCanceled>(r));
      })
      // The manager's, under `secure`; the open default profile checks no roles (the seed's
      // re-POST checks out as written).
      .command("reserveStatus", "checkOut", [](Reservation& r, hexa::UnitOfWork& uow) {
        r.check_out();
        uow.raise(hexa::copy_fields<CheckedOut>(r));
      }, {.roles = {"MANAGER"}})
      .deny(hexa::Method::Put, "a reservation is not replaced; PATCH its reserveStatus")
      .deny(hexa::Method::Delete, "reservations are cancelled, not deleted: PATCH {\"reserveStatus\":\"cancel\"}");

  svc.when<RoomReservationRejected>(compensate);
  return svc.run();
}
