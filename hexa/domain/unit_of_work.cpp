#include "hexa/domain/unit_of_work.hpp"

#include <stdexcept>

#include "hexa/events/payload.hpp"
#include "hexa/model/errors.hpp"

namespace hexa {

namespace {

bool absent(const Value& v) {
  if (is_null(v)) return true;
  if (auto i = std::get_if<std::int64_t>(&v)) return *i == 0;
  if (auto s = std::get_if<std::string>(&v)) return s->empty();
  return false;
}

// A key value as the key field's kind; a value that cannot be one matches nothing.
std::optional<Value> as_key(const ModelInfo& m, const Value& key) {
  const FieldInfo* f = m.field(m.key);
  try {
    return convert(key, f ? f->kind : Kind::Integer);
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
}

}  // namespace

std::string UnitOfWork::key_text(const Value& v) {
  if (auto i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (auto s = std::get_if<std::string>(&v)) return *s;
  throw std::logic_error("a correlation key must be an integer or text");
}

Query UnitOfWork::where(const ModelInfo& m, const std::string& field, const Value& value, std::int64_t limit) {
  const FieldInfo* f = m.field(field);
  if (!f && field != "id") throw std::logic_error(m.name + " has no field '" + field + "'");
  Value v = value;
  if (f && !is_null(v)) {
    try {
      v = convert(v, f->kind);
    } catch (const std::invalid_argument&) {
      throw Invalid("'" + field + "' must be " + kind_name(f->kind));
    }
  }
  return Query{{{field, std::move(v)}}, {}, 0, limit};
}

std::optional<Record> UnitOfWork::find_row(const ModelInfo& m, const Value& key) {
  const auto k = as_key(m, key);
  if (!k || is_null(*k)) return std::nullopt;
  if (!m.natural_key()) return tx_.find(m.schema, std::get<std::int64_t>(*k));
  auto rows = tx_.select(m.schema, Query{{{m.key, *k}}, {}, 0, 1});
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::optional<std::int64_t> UnitOfWork::row_id(const ModelInfo& m, const Record& r) {
  auto it = r.find(m.key);
  if (it == r.end()) return std::nullopt;
  if (!m.natural_key()) return std::get<std::int64_t>(convert(it->second, Kind::Integer));
  auto row = find_row(m, it->second);
  if (!row) return std::nullopt;
  return std::get<std::int64_t>(row->at("id"));
}

std::int64_t UnitOfWork::insert_row(const ModelInfo& m, Record& r) {
  r.erase("id");
  const bool generate = m.natural_key() && absent(r[m.key]);
  if (generate && !m.generated_key()) throw Invalid("field '" + m.key + "' is required");
  if (generate) r[m.key] = std::monostate{};
  else if (m.natural_key() && find_row(m, r[m.key]))
    throw Conflict(m.name + " " + key_text(r[m.key]) + " already exists");
  const std::int64_t id = tx_.insert(m.schema, r);
  if (generate) {
    const FieldInfo& f = *m.field(m.key);
    r[m.key] = f.kind == Kind::Integer ? Value(id) : Value(std::to_string(id));
    tx_.update(m.schema, id, Record{{m.key, r[m.key]}});
  }
  if (!m.natural_key()) r["id"] = id;
  return id;
}

void UnitOfWork::raise(const std::string& type, const std::string& key, const Record& payload) {
  Event e{new_event_id(), type, now_ms(), key, source_.service, source_.topic, {}};
  e.payload = encode_payload(type, e.time_ms, payload);
  tx_.add_to_outbox(e);
  raised_ = true;
}

}  // namespace hexa
