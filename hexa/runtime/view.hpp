#pragma once
// A CQRS view: rows kept only from events, one row per correlation key, served read-only.
//
//   svc.view<MyPage>("contractId")
//      .on<Payed>([](MyPage& row, const Payed& e) { row.payStatus = e.payStatus; });
//
// A view whose type declares a natural key ({.key = true, .assigned = true}, model.hpp) is
// served by it: svc.view<RoomInfo>("roomNumber") at /roomInfoes/{roomNumber}. A local view
// (svc.local_view<T>(key)) is kept the same way and not served: a service's own read model of
// another's state (a reservation service following room state to refuse a taken room at once).
#include <functional>
#include <string>

#include "hexa/domain/unit_of_work.hpp"

namespace hexa {

// (payload of an event, the unit of work it is handled in)
using PolicyFn = std::function<void(const Record&, UnitOfWork&)>;
using PolicyRegistrar = std::function<void(const std::string& event_type, PolicyFn)>;

template <class T>
class View {
 public:
  View(PolicyRegistrar registrar, std::string key_field)
      : registrar_(std::move(registrar)), key_field_(std::move(key_field)) {}

  // Applies E to the row for E's correlation key, creating the row on first sight (events of
  // one case may come from several services in any order).
  template <class E>
  View& on(std::function<void(T&, const E&)> apply) {
    registrar_(std::string(E::name), [key = key_field_, apply](const Record& payload, UnitOfWork& uow) {
      const Value k = payload.at(std::string(E::key));
      auto row = uow.find_one<T>(key, k);
      T t = row ? *row : T{};
      apply(t, from_record<E>(payload));
      Record r = to_record(t);
      r[key] = k;
      t = from_record<T>(r);
      if (row) uow.save(t);
      else uow.add(t);
    });
    return *this;
  }

 private:
  PolicyRegistrar registrar_;
  std::string key_field_;
};

}  // namespace hexa
