#pragma once
// The domain's view of one local transaction: typed finds and saves of its own aggregates and
// views, and the events its change raises. Everything done through one UnitOfWork commits or
// rolls back together, events included (transactional outbox). Domain code sees no SQL here.
// Items are found, saved and removed by their declared key (model.hpp): "id", or a natural
// key such as Room's roomNumber; structs with a natural key need not declare `id`.
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

  // By the declared key (model.hpp): the row id for "id", else the natural key's value
  // (converted to its kind: find<Room>(1) and find<Room>("1") are the same room).
  template <class T>
  std::optional<T> find(const Value& key) {
    auto r = find_row(model_of<T>(), key);
    if (!r) return std::nullopt;
    return from_record<T>(*r);
  }

  // Finders by member (a misspelt name cannot compile) or by name (a name T does not declare
  // throws std::logic_error: a mistake in the code, never a bad request).
  template <class T, class M>
  std::vector<T> find_all(M T::*member, const Value& value) { return find_all<T>(field_name(member), value); }
  template <class T, class M>
  std::optional<T> find_one(M T::*member, const Value& value) { return find_one<T>(field_name(member), value); }

  template <class T>
  std::vector<T> find_all(const std::string& field, const Value& value) {
    std::vector<T> out;
    for (const auto& r : tx_.select(model_of<T>().schema, where(model_of<T>(), field, value, -1)))
      out.push_back(from_record<T>(r));
    return out;
  }

  template <class T>
  std::optional<T> find_one(const std::string& field, const Value& value) {
    auto r = tx_.select(model_of<T>().schema, where(model_of<T>(), field, value, 1));
    if (r.empty()) return std::nullopt;
    return from_record<T>(r.front());
  }

  // Inserts a new aggregate or view row and sets its key: its id, or a generated natural key
  // when absent (0 or empty). An assigned natural key already taken is a hexa::Conflict.
  template <class T>
  void add(T& t) {
    Record r = to_record(t);
    const std::int64_t id = insert_row(model_of<T>(), r);
    if constexpr (requires { t.id; }) t.id = id;
    for (const auto& f : fields_of<T>())
      if (f.name == model_of<T>().key) f.set(t, r.at(f.name));
  }

  // Writes back a row found before, by its key.
  template <class T>
  void save(const T& t) {
    const Record r = to_record(t);
    if (auto id = row_id(model_of<T>(), r)) tx_.update(model_of<T>().schema, *id, without_id(r));
  }

  template <class T>
  void remove(const T& t) {
    if (auto id = row_id(model_of<T>(), to_record(t))) tx_.remove(model_of<T>().schema, *id);
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
  // The Record-level forms of the above, for the framework (the REST resource, views).
  std::optional<Record> find_row(const ModelInfo& m, const Value& key);
  std::optional<std::int64_t> row_id(const ModelInfo& m, const Record& r);  // by r's key
  std::int64_t insert_row(const ModelInfo& m, Record& r);  // fills r's generated key
  static Query where(const ModelInfo& m, const std::string& field, const Value& value, std::int64_t limit);
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
