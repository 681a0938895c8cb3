#pragma once
// The car rental system's published language: the domain events its services exchange, named
// as in the seed. Each carries the fields of the aggregate that raised it and names its
// correlation key: the contract it belongs to.
#include "contract/contract.hpp"
#include "pay/pay.hpp"
#include "reservation/reservation.hpp"

namespace carrental {

using ContractCompleted = hexa::EventOf<Contract, "ContractCompleted", "id">;
using ContractCanceled = hexa::EventOf<Contract, "ContractCanceled", "id">;
using Payed = hexa::EventOf<Pay, "Payed", "contractId">;
using PayCanceled = hexa::EventOf<Pay, "PayCanceled", "contractId">;
using Reserved = hexa::EventOf<Reservation, "Reserved", "contractId">;
using ReservationCanceled = hexa::EventOf<Reservation, "ReservationCanceled", "contractId">;

}  // namespace carrental
