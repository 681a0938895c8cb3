#pragma once
// The domain's view of one local transaction: typed finds and saves of its own aggregates and
// views, and the events its change raises. Everything done through one UnitOfWork commits or
// rolls back together, events included (transactional outbox). Domain code sees no SQL here.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hexa/events/event.hpp"
#include "hexa/model/model.hpp"
#include "hexa/store/store.hpp"

namespace hexa {

// Who raises events: the service's name and the topic its events go to.
struct EventSource {
  std::string service;
  std::string topic;
};

class UnitOfWork {
 public:
  UnitOfWork(Transaction& tx, const EventSource& source) : tx_(tx), source_(source) {}

  template <class T>
  std::optional<T> find(std::int64_t id) {
    auto r = tx_.find(model_of<T>().schema, id);
    if (!r) return std::nullopt;
    return from_record<T>(*r);
  }

  template <class T>
  std::vector<T> find_all(const std::string& field, const Value& value) {
    std::vector<T> out;
    for (const auto& r : tx_.select(model_of<T>().schema, Query{{{field, value}}, {}, 0, -1}))
      out.push_back(from_record<T>(r));
    return out;
  }

  template <class T>
  std::optional<T> find_one(const std::string& field, const Value& value) {
    auto r = tx_.select(model_of<T>().schema, Query{{{field, value}}, {}, 0, 1});
    if (r.empty()) return std::nullopt;
    return from_record<T>(r.front());
  }

  // Inserts a new aggregate and sets its id.
  template <class T>
  void add(T& t) {
    t.id = tx_.insert(model_of<T>().schema, without_id(to_record(t)));
  }

  template <class T>
  void save(const T& t) {
    tx_.update(model_of<T>().schema, t.id, without_id(to_record(t)));
  }

  template <class T>
  void remove(const T& t) {
    tx_.remove(model_of<T>().schema, t.id);
  }

  // Adds a domain event to this transaction's outbox. E declares `name` and `key`.
  template <class E>
  void raise(const E& e) {
    const Record r = to_record(e);
    raise(std::string(E::name), key_text(r.at(std::string(E::key))), r);
  }

  void raise(const std::string& type, const std::string& key, const Record& payload);
  bool raised_events() const { return raised_; }
  Transaction& transaction() { return tx_; }

  static std::string key_text(const Value& v);
  static Record without_id(Record r) {
    r.erase("id");
    return r;
  }

 private:
  Transaction& tx_;
  const EventSource& source_;
  bool raised_ = false;
};

}  // namespace hexa
