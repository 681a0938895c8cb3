#include "hexa/rest/resource_core.hpp"

#include "hexa/client/question_scope.hpp"
#include "hexa/client/step_context.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "hexa/http/event_stream.hpp"
#include "hexa/model/errors.hpp"
#include "hexa/rest/caller.hpp"
#include "hexa/rest/live_feed.hpp"
#include "hexa/rest/ownership.hpp"
#include "hexa/rest/public_url.hpp"
#include "hexa/runtime/logging.hpp"

namespace hexa::rest {

namespace {

constexpr const char* kPending = "_pending";             // true while a guard is asked
constexpr const char* kPendingUntil = "_pending_until";  // when the reconciler may settle it
constexpr const char* kCommand = "_command";                // "field=value" of a guarded command asked
constexpr const char* kCommandPending = "_command_pending";  // true while it is asked
constexpr const char* kCommandUntil = "_command_until";      // when the reconciler may settle it
constexpr std::int64_t kReconcileMarginMs = 1000;        // beyond the callee's deadline
constexpr const char* kPendingCommand = "_pendingCommand";  // shown: {field: value} of the command asked

// The framework's record of answers given to requests with an Idempotency-Key.
Schema idempotency_schema() {
  return Schema{"_idempotency", {{"key", Kind::Text, true, false}, {"status", Kind::Integer, false, false},
                                 {"location", Kind::Text, false, false}, {"body", Kind::Text, false, false}}};
}

// A transaction that reads through and writes nothing: a guarded command's dry run.
class DryRun : public Transaction {
 public:
  explicit DryRun(Transaction& real) : real_(real) {}
  std::int64_t insert(const Schema&, const Record&) override { return 0; }
  bool update(const Schema&, std::int64_t, const Record&) override { return true; }
  bool remove(const Schema&, std::int64_t) override { return true; }
  std::optional<Record> find(const Schema& s, std::int64_t id) override { return real_.find(s, id); }
  std::vector<Record> select(const Schema& s, const Query& q) override { return real_.select(s, q); }
  std::int64_t count(const Schema& s, const Query& q) override { return real_.count(s, q); }
  void add_to_outbox(const Event&) override {}
  bool first_delivery(const std::string&, const std::string&) override { return true; }
  void commit() override {}

 private:
  Transaction& real_;
};

bool absent(const Value& v) {
  if (is_null(v)) return true;
  if (auto i = std::get_if<std::int64_t>(&v)) return *i == 0;
  if (auto t = std::get_if<std::string>(&v)) return t->empty();
  return false;
}

std::int64_t row_id(const Record& r) { return std::get<std::int64_t>(r.at("id")); }

std::string header(const http::Request& req, std::string_view name) {
  auto it = req.find(name);
  return it == req.end() ? std::string() : std::string(it->value());
}

std::int64_t int_param(const std::map<std::string, std::string>& q, const std::string& name,
                       std::int64_t fallback, std::int64_t min, std::int64_t max) {
  auto it = q.find(name);
  if (it == q.end() || it->second.empty()) return fallback;
  std::int64_t v{};
  auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  if (ec != std::errc{} || p != it->second.data() + it->second.size() || v < min || v > max)
    throw Invalid(fmt::format("parameter '{}' must be an integer from {} to {}", name, min, max));
  return v;
}

std::vector<Sort> sort_params(const std::map<std::string, std::string>& q) {
  std::vector<Sort> out;
  auto it = q.find("sort");
  if (it == q.end()) return out;
  std::string_view all = it->second;
  while (!all.empty()) {
    auto nl = all.find('\n');
    std::string_view one = all.substr(0, nl);
    auto comma = one.find(',');
    std::string field(one.substr(0, comma));
    std::string dir = comma == std::string_view::npos ? "asc" : std::string(one.substr(comma + 1));
    if (dir != "asc" && dir != "desc" && dir != "ASC" && dir != "DESC")
      throw Invalid(fmt::format("sort direction must be asc or desc, got '{}'", dir));
    if (!field.empty()) out.push_back({field, dir == "desc" || dir == "DESC"});
    if (nl == std::string_view::npos) break;
    all = all.substr(nl + 1);
  }
  return out;
}

Json link(const std::string& href) { return Json{{"href", href}}; }

}  // namespace

std::string base_url(const http::Request& req) { return public_base_url(req); }  // public_url.hpp

std::int64_t parse_id(const std::string& text) {
  std::int64_t id{};
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || p != text.data() + text.size() || text.empty())
    throw NotFound(fmt::format("no item with id '{}'", text));
  return id;
}

std::string finder_name(const std::string& field) {
  std::string name = "findBy" + field;
  if (!field.empty()) name[6] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[6])));
  return name;
}

std::string url_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::optional<std::int64_t> request_deadline(const http::Request& req) {
  auto text = header(req, kDeadlineHeader);
  std::int64_t v{};
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{}) return std::nullopt;
  return v;
}

ResourceCore::ResourceCore(ResourceSpec spec, Transactor& transactor)
    : spec_(std::move(spec)), tx_(transactor), schema_(spec_.model->schema),
      base_path_("/" + spec_.model->collection) {
  const ModelInfo& m = *spec_.model;
  auto known = [&](const std::string& field, const char* what) {
    if (!m.field(field) && field != "id")
      throw std::logic_error(fmt::format("{}: {} field '{}' is not one of its fields", m.name, what, field));
  };
  if (spec_.owner) known(*spec_.owner, "owner");
  for (const auto& c : spec_.commands) known(c.field, "command");
  for (const auto& f : spec_.finders) known(f, "finder");
  if (spec_.idempotent_on) known(*spec_.idempotent_on, "idempotent_on");
  if (spec_.guard) {
    schema_.columns.push_back({kPending, Kind::Boolean, false, true});
    schema_.columns.push_back({kPendingUntil, Kind::Integer, false, false});
  }
  if (std::any_of(spec_.commands.begin(), spec_.commands.end(), [](const Command& c) { return c.guard.has_value(); })) {
    schema_.columns.push_back({kCommand, Kind::Text, false, false});
    schema_.columns.push_back({kCommandPending, Kind::Boolean, false, true});
    schema_.columns.push_back({kCommandUntil, Kind::Integer, false, false});
  }
}

Schema ResourceCore::storage_schema() const { return schema_; }

void ResourceCore::migrate() {
  tx_.store().migrate(schema_);
  tx_.store().migrate(idempotency_schema());
}

bool ResourceCore::guarded() const { return schema_.columns.size() > spec_.model->schema.columns.size(); }

void ResourceCore::add_routes(Router& router, LiveFeed* feed) {
  if (!spec_.served) return;
  if (feed) {
    feed->add({schema_.table, spec_.owner,
               [this](std::int64_t id) {
                 return tx_.read([&](UnitOfWork& uow) { return uow.transaction().find(schema_, id); });
               },
               [this](const Record& r, const std::string& base) { return dump(representation(r, base)); }});
    router.add_stream(
        http::Verb::get, base_path_ + "/live",
        [this, feed](const http::Request& req, const PathParams&, http::Responder respond) {
          live(req, std::move(respond), *feed);
        },
        [](const http::Request& req, const PathParams&) {
          return http::error_response(req, http::Status::not_acceptable, "a live feed needs a streaming connection");
        });
  }
  using V = http::Verb;
  auto guarded = [this](V verb, auto fn) {
    return [this, verb, fn](const http::Request& req, const PathParams& p) -> http::Response {
      if (auto it = spec_.denied.find(verb); it != spec_.denied.end()) throw NotAllowed(it->second);
      return fn(req, p);
    };
  };
  auto key = [this](const PathParams& p) { return key_of(p.at("key")); };
  const std::string item = base_path_ + "/{key}";
  router.add(V::post, base_path_, guarded(V::post, [this](auto& req, auto&) { return create(req); }));
  router.add(V::get, base_path_, [this](auto& req, auto&) { return list(req, {}, base_path_); });
  router.add(V::get, base_path_ + "/search/{finder}",
             [this](auto& req, auto& p) { return search(req, p.at("finder")); });
  router.add(V::get, item, [this, key](auto& req, auto& p) { return get(req, key(p)); });
  router.add(V::put, item, guarded(V::put, [this, key](auto& req, auto& p) { return replace(req, key(p)); }));
  router.add(V::patch, item, guarded(V::patch, [this, key](auto& req, auto& p) { return patch(req, key(p)); }));
  router.add(V::delete_, item, guarded(V::delete_, [this, key](auto& req, auto& p) { return remove(req, key(p)); }));
}

Value ResourceCore::key_of(const std::string& text) const {
  const FieldInfo* f = spec_.model->field(spec_.model->key);
  if (!f || f->kind == Kind::Integer) return parse_id(text);
  return text;
}

std::string ResourceCore::self_href(const std::string& base, const Record& r) const {
  return base + base_path_ + "/" + url_encode(UnitOfWork::key_text(r.at(spec_.model->key)));
}

namespace {
// The row as served: the row id is not shown when another field is the key.
Json shown(const Record& r, const ModelInfo& m) {
  if (!m.natural_key()) return to_json(r, m);
  return to_json(UnitOfWork::without_id(r), m);
}
}  // namespace

http::Response ResourceCore::item_response(const http::Request& req, http::Status status, const Record& r) {
  const std::string base = base_url(req);
  auto res = http::json_response(req, status, dump(representation(r, base)));
  if (status == http::Status::created || status == http::Status::accepted)
    res.set(http::beast_http::field::location, self_href(base, r));
  return res;
}

// The caller's own rows only when it is limited to them, as GET /<collection> lists them.
void ResourceCore::live(const http::Request& req, http::Responder respond, LiveFeed& feed) {
  auto stream = respond.stream(http::event_stream_head(req));
  if (!stream)
    return respond(http::error_response(req, http::Status::not_acceptable, "a live feed needs a streaming connection"));
  feed.subscribe(schema_.table, {std::move(stream), base_url(req), owner_of_call(req)});
}

Json ResourceCore::representation(const Record& r, const std::string& base) const {
  Json j = shown(r, *spec_.model);
  const std::string self = self_href(base, r);
  std::string singular = spec_.model->name;
  singular[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(singular[0])));
  j["_links"] = Json{{"self", link(self)}, {singular, link(self)}};
  // What is not settled yet is said in the item itself (see resource_core.hpp, "Unknown outcomes").
  const bool creation_pending = spec_.guard && r.contains(kPending) && !is_null(r.at(kPending));
  const bool command_pending = r.contains(kCommandPending) && r.at(kCommandPending) == Value(true);
  if (creation_pending || command_pending) j[kPending] = true;
  if (command_pending) {
    const std::string name = std::get<std::string>(r.at(kCommand));
    const auto eq = name.find('=');
    j[kPendingCommand] = Json{{name.substr(0, eq), name.substr(eq + 1)}};
  }
  return j;
}

// ---- Idempotency-Key

namespace {
std::string idempotency_key(const http::Request& req, const std::string& collection) {
  if (req.method() != http::Verb::post && req.method() != http::Verb::patch) return {};
  const std::string given = header(req, kIdempotencyKeyHeader);
  return given.empty() ? std::string() : collection + " " + given;
}
}  // namespace

std::optional<http::Response> ResourceCore::saved_answer(const http::Request& req, UnitOfWork& uow) {
  const std::string key = idempotency_key(req, spec_.model->collection);
  if (key.empty()) return std::nullopt;
  auto rows = uow.transaction().select(idempotency_schema(), Query{{{"key", key}}, {}, 0, 1});
  if (rows.empty()) return std::nullopt;
  const Record& r = rows.front();
  auto res = http::json_response(req, static_cast<http::Status>(std::get<std::int64_t>(r.at("status"))),
                                 std::get<std::string>(r.at("body")));
  if (const auto* location = std::get_if<std::string>(&r.at("location")); location && !location->empty())
    res.set(http::beast_http::field::location, *location);
  return res;
}

std::optional<http::Response> ResourceCore::saved_answer(const http::Request& req) {
  if (idempotency_key(req, spec_.model->collection).empty()) return std::nullopt;
  return tx_.read([&](UnitOfWork& uow) { return saved_answer(req, uow); });
}

// A later answer (a pending creation settled) replaces the one saved before.
void ResourceCore::remember(UnitOfWork& uow, const http::Request& req, const http::Response& res) {
  const std::string key = idempotency_key(req, spec_.model->collection);
  if (key.empty()) return;
  const auto location = res.find(http::beast_http::field::location);
  const Record answer{{"key", key}, {"status", static_cast<std::int64_t>(res.result_int())},
                      {"location", location == res.end() ? "" : std::string(location->value())},
                      {"body", res.body()}};
  auto& t = uow.transaction();
  const auto saved = t.select(idempotency_schema(), Query{{{"key", key}}, {}, 0, 1});
  if (saved.empty()) t.insert(idempotency_schema(), answer);
  else t.update(idempotency_schema(), row_id(saved.front()), answer);
}

void ResourceCore::forget(UnitOfWork& uow, const http::Request& req) {
  const std::string key = idempotency_key(req, spec_.model->collection);
  if (key.empty()) return;
  auto& t = uow.transaction();
  for (const auto& saved : t.select(idempotency_schema(), Query{{{"key", key}}, {}, 0, 1}))
    t.remove(idempotency_schema(), row_id(saved));
}

// f(UnitOfWork&) -> the answer, in one transaction with the record of that answer.
template <class F>
http::Response ResourceCore::write_answer(const http::Request& req, F&& f) {
  auto once = [&](UnitOfWork& uow) -> http::Response {
    if (auto saved = saved_answer(req, uow)) return *saved;  // a twin committed meanwhile
    http::Response res = f(uow);
    remember(uow, req, res);
    return res;
  };
  try {
    return tx_.write(once, request_deadline(req));
  } catch (const Error&) {
    throw;
  } catch (const std::exception&) {  // a twin took the key first (unique index): its answer
    if (auto saved = saved_answer(req)) return *saved;
    throw;
  }
}

// ---- reads

ResourceCore::Owner ResourceCore::owner_of_call(const http::Request& req) const {
  if (!spec_.owner) return std::nullopt;
  const auto it = req.find(kOwnerHeader);
  if (it == req.end()) return std::nullopt;
  return std::string(it->value());
}

// A caller limited to its own rows gives its own name as owner, or none (then it is filled in
// for a whole row); a read-only owner field is set here too, since bodies cannot set it.
Record ResourceCore::read_body(const http::Request& req, BodyMode mode, const Owner& owner) const {
  Json object = parse_object(req.body());
  if (owner && mode != BodyMode::Merge && !object.contains(*spec_.owner)) object[*spec_.owner] = *owner;
  Record fields = validate_body(object, *spec_.model, mode);
  if (!owner) return fields;
  const auto given = fields.find(*spec_.owner);
  if (given != fields.end() && given->second != Value(*owner))
    throw Error(403, fmt::format("field '{}' can only be your own name, {}", *spec_.owner, *owner));
  if (mode != BodyMode::Merge) fields[*spec_.owner] = *owner;
  return fields;
}

// Absent and someone else's: the same 404. A pending creation (a guarded one not yet settled)
// is shown (GET, with "_pending": true) but not written: 409 until it is settled.
Record ResourceCore::visible(UnitOfWork& uow, const Value& key, const Owner& owner, Pending pending) const {
  const ModelInfo& m = *spec_.model;
  auto& t = uow.transaction();
  std::optional<Record> row;
  if (!m.natural_key()) {
    row = t.find(schema_, std::get<std::int64_t>(key));
  } else if (auto rows = t.select(schema_, Query{{{m.key, key}}, {}, 0, 1}); !rows.empty()) {
    row = std::move(rows.front());
  }
  const bool hidden = row && owner && (*row)[*spec_.owner] != Value(*owner);
  if (!row || hidden) throw NotFound(fmt::format("{} {} not found", m.name, UnitOfWork::key_text(key)));
  if (pending == Pending::Refused && spec_.guard && !is_null((*row)[kPending]))
    throw Conflict(fmt::format("{} {} is pending: its creation is not confirmed yet; try again shortly", m.name,
                               UnitOfWork::key_text(key)));
  return *row;
}

http::Response ResourceCore::get(const http::Request& req, const Value& key) {
  const Owner owner = owner_of_call(req);
  auto r = tx_.read([&](UnitOfWork& uow) { return visible(uow, key, owner, Pending::Shown); });
  return item_response(req, http::Status::ok, r);
}

http::Response ResourceCore::list(const http::Request& req, Query query, const std::string& self_path) {
  const auto q = parse_query(req.target());
  const std::int64_t size = int_param(q, "size", 20, 1, 2000);
  const std::int64_t page = int_param(q, "page", 0, 0, 1'000'000'000);
  query.sort = sort_params(q);
  for (const auto& s : query.sort)
    if (s.field != "id" && !spec_.model->field(s.field))
      throw Invalid(fmt::format("cannot sort by unknown field '{}'", s.field));
  if (spec_.guard) query.where.push_back({kPending, std::monostate{}});
  if (const Owner owner = owner_of_call(req)) query.where.push_back({*spec_.owner, *owner});
  query.offset = page * size;
  query.limit = size;
  auto [rows, total] = tx_.read([&](UnitOfWork& uow) {
    auto& t = uow.transaction();
    return std::pair{t.select(schema_, query), t.count(schema_, query)};
  });
  const std::string base = base_url(req);
  Json items = Json::array();
  for (const auto& r : rows) {
    Json j = shown(r, *spec_.model);
    j["_links"] = Json{{"self", link(self_href(base, r))}};
    items.push_back(std::move(j));
  }
  Json body = Json::object();
  body["_embedded"] = Json{{spec_.model->collection, std::move(items)}};
  body["_links"] = Json{{"self", link(base + self_path)}, {"search", link(base + base_path_ + "/search")}};
  body["page"] = Json{{"size", size}, {"totalElements", total},
                      {"totalPages", (total + size - 1) / size}, {"number", page}};
  return http::json_response(req, http::Status::ok, dump(body));
}

http::Response ResourceCore::search(const http::Request& req, const std::string& finder) {
  for (const auto& field : spec_.finders) {
    if (finder_name(field) != finder) continue;
    const auto q = parse_query(req.target());
    auto it = q.find(field);
    if (it == q.end()) throw Invalid(fmt::format("query parameter '{}' is required", field));
    const FieldInfo* f = spec_.model->field(field);
    Value v = f ? coerce(Json(it->second), *f) : Value(parse_id(it->second));
    return list(req, Query{{{field, v}}, {}, 0, -1}, std::string(req.target()));
  }
  throw NotFound(fmt::format("no search '{}' on {}", finder, spec_.model->collection));
}

// ---- creation

Record ResourceCore::insert_pending(UnitOfWork& uow, Record r, std::int64_t until_ms) {
  const std::int64_t id = uow.insert_row(*spec_.model, r);
  uow.transaction().update(schema_, id, Record{{kPending, true}, {kPendingUntil, until_ms}});
  r["id"] = id;
  r[kPending] = true;
  return r;
}

Record ResourceCore::complete(std::int64_t id, const std::function<void(UnitOfWork&, const Record&)>& also) {
  return tx_.write([&](UnitOfWork& uow) {
    auto row = uow.transaction().find(schema_, id);
    if (!row) {  // the reconciler removed it while the callee said yes: a contradiction, never a lie
      spdlog::error("{} {}: confirmed after the reconciler removed it", spec_.model->name, id);
      throw Error(500, fmt::format("{} {}: its confirmation came too late; it was removed", spec_.model->name, id));
    }
    if (is_null((*row)[kPending])) {  // completed by the reconciler meanwhile
      if (also) also(uow, *row);
      return *row;
    }
    (*row)[kPending] = std::monostate{};
    (*row)[kPendingUntil] = std::monostate{};
    if (spec_.on_created) spec_.on_created(*row, uow);
    uow.transaction().update(schema_, id, UnitOfWork::without_id(*row));
    if (also) also(uow, *row);
    return *row;
  });
}

http::Response ResourceCore::create(const http::Request& req) {
  if (auto saved = saved_answer(req)) return *saved;
  const ModelInfo& m = *spec_.model;
  const Owner owner = owner_of_call(req);
  if (spec_.post_updates_by_key && m.natural_key()) {
    const Json object = parse_object(req.body());
    if (auto it = object.find(m.key); it != object.end()) {
      const Value key = coerce(*it, *m.field(m.key));
      if (!absent(key)) {
        const bool known = tx_.read([&](UnitOfWork& uow) { return uow.find_row(m, key).has_value(); });
        if (known) return change(req, key, read_body(req, BodyMode::Merge, owner), Changes::Seed);
        if (m.generated_key()) throw NotFound(fmt::format("{} {} not found", m.name, UnitOfWork::key_text(key)));
      }
    }
  }
  Record r = spec_.blank();
  for (auto& [k, v] : read_body(req, BodyMode::Create, owner)) r[k] = std::move(v);
  if (m.generated_key()) r[m.key] = std::monostate{};  // the framework numbers items
  if (spec_.guard) return create_guarded(req, std::move(r));
  return write_answer(req, [&](UnitOfWork& uow) {
    auto& t = uow.transaction();
    if (spec_.idempotent_on) {
      Query same{{{*spec_.idempotent_on, r[*spec_.idempotent_on]}}, {}, 0, 1};
      if (owner) same.where.push_back({*spec_.owner, *owner});  // never answer another's row
      auto found = t.select(schema_, same);
      if (!found.empty()) return item_response(req, http::Status::ok, found.front());
    }
    Record row = r;
    const std::int64_t id = uow.insert_row(m, row);
    row["id"] = id;
    CorrelationScope scope(UnitOfWork::key_text(row[m.key]));
    if (spec_.on_created) {
      spec_.on_created(row, uow);
      t.update(schema_, id, UnitOfWork::without_id(row));
    }
    return item_response(req, http::Status::created, row);
  });
}

http::Response ResourceCore::create_guarded(const http::Request& req, Record r) {
  const Guard& g = *spec_.guard;
  const auto deadline = request_deadline(req);
  std::int64_t until = now_ms() + g.timeout_ms;
  if (deadline && *deadline < until) until = *deadline;
  // The Idempotency-Key is taken with the pending row, in its transaction, answered "pending"
  // (202) until the callee's answer replaces it: a retry meanwhile neither adds a row nor asks.
  Record pending;
  const bool keyed = !idempotency_key(req, spec_.model->collection).empty();
  const http::Response first = write_answer(req, [&](UnitOfWork& uow) {
    pending = insert_pending(uow, r, until + kReconcileMarginMs);
    // Only a retry under the key reads this answer: without one, it is not worth rendering.
    return keyed ? item_response(req, http::Status::accepted, pending) : http::Response{};
  });
  if (pending.empty()) return first;  // a retry under the key of a creation already under way
  const auto id = row_id(pending);
  CorrelationScope scope(UnitOfWork::key_text(pending[spec_.model->key]));
  try {
    g.confirm(pending, until);
  } catch (const Uncertain& e) {
    spdlog::warn("{} {}: outcome unknown ({}); pending, 202", spec_.model->name, id, e.what());
    return accepted(req, pending);
  } catch (const Error& e) {
    spdlog::info("{} {}: refused ({}); not stored", spec_.model->name, id, e.what());
    tx_.write([&](UnitOfWork& uow) {
      uow.transaction().remove(schema_, id);
      forget(uow, req);  // nothing was done: a retry under the key tries again
    });
    if (const auto* busy = dynamic_cast<const Unavailable*>(&e)) throw Unavailable(g.fallback_message, busy->retry_after_s);
    throw Unavailable(g.fallback_message);
  } catch (const std::exception& e) {
    spdlog::warn("{} {}: confirmation failed ({}); pending, 202", spec_.model->name, id, e.what());
    return accepted(req, pending);
  }
  http::Response res;
  complete(id, [&](UnitOfWork& uow, const Record& row) {
    res = item_response(req, http::Status::created, row);
    remember(uow, req, res);
  });
  return res;
}

// The outcome is unknown (the callee may have acted): the truth, 202 + Location of the item,
// which shows "_pending" until the reconciler settles it. Saved under the Idempotency-Key, so
// a retry under it neither creates nor asks again.
http::Response ResourceCore::accepted(const http::Request& req, const Record& pending) {
  http::Response res = item_response(req, http::Status::accepted, pending);
  try {
    tx_.write([&](UnitOfWork& uow) { remember(uow, req, res); });
  } catch (const std::exception& e) {
    spdlog::warn("{}: the pending answer was not saved for its Idempotency-Key: {}", spec_.model->name, e.what());
  }
  return res;
}

// ---- reconciliation

namespace {

// The reconciler's question, given its own timeout (QuestionScope); a question that fails (the
// callee did not answer even then, or broke) cannot tell: that row is asked again next round,
// and the rows after it are still asked this round.
template <class Ask>
std::optional<bool> asked(Ask&& ask) {
  QuestionScope question;
  try {
    return ask();
  } catch (const std::exception& e) {
    spdlog::warn("reconcile: the callee cannot tell yet: {}", e.what());
    return std::nullopt;
  }
}

}  // namespace

int ResourceCore::reconcile() { return reconcile_creations() + reconcile_commands(); }

int ResourceCore::reconcile_creations() {
  if (!spec_.guard) return 0;
  auto pending = tx_.read([&](UnitOfWork& uow) {
    return uow.transaction().select(schema_, Query{{{kPending, true}}, {}, 0, 100});
  });
  int settled = 0;
  for (auto& row : pending) {
    if (std::get<std::int64_t>(row[kPendingUntil]) > now_ms()) continue;
    const auto id = row_id(row);
    CorrelationScope scope(std::to_string(id));
    const auto answer = asked([&] { return spec_.guard->confirmed(row); });
    if (!answer) continue;  // cannot tell yet: ask again next round
    if (*answer) {
      complete(id);
      spdlog::info("{} {}: confirmed after the fact; completed", spec_.model->name, id);
    } else {
      tx_.write([&](UnitOfWork& uow) { uow.transaction().remove(schema_, id); });
      spdlog::info("{} {}: never confirmed; removed", spec_.model->name, id);
    }
    ++settled;
  }
  return settled;
}

int ResourceCore::reconcile_commands() {
  if (!guarded()) return 0;
  if (std::none_of(spec_.commands.begin(), spec_.commands.end(), [](const Command& c) { return c.guard.has_value(); }))
    return 0;
  auto pending = tx_.read([&](UnitOfWork& uow) {
    return uow.transaction().select(schema_, Query{{{kCommandPending, true}}, {}, 0, 100});
  });
  int settled = 0;
  for (auto& row : pending) {
    if (std::get<std::int64_t>(row[kCommandUntil]) > now_ms()) continue;
    try {
      settle_command(row);
      ++settled;
    } catch (const std::exception& e) {
      spdlog::warn("{} {}: pending command not settled yet: {}", spec_.model->name, row_id(row), e.what());
    }
  }
  return settled;
}

// Throws when it cannot tell yet (the row stays marked, asked again next round).
void ResourceCore::settle_command(Record row) {
  const auto id = row_id(row);
  const std::string name = std::get<std::string>(row[kCommand]);
  CorrelationScope scope(UnitOfWork::key_text(row[spec_.model->key]));
  const auto eq = name.find('=');
  const Command* cmd = command_for(name.substr(0, eq), Value(name.substr(eq + 1)));
  if (!cmd || !cmd->guard) {
    spdlog::error("{} {}: pending command '{}' is no longer declared; cleared", spec_.model->name, id, name);
    return set_marker(id, std::monostate{}, std::monostate{});
  }
  const auto answer = asked([&] { return cmd->guard->confirmed(row); });
  if (!answer) throw Unavailable("the callee cannot tell yet");
  if (!*answer) {
    spdlog::info("{} {}: command '{}' never confirmed; cleared", spec_.model->name, id, name);
    return set_marker(id, std::monostate{}, std::monostate{});
  }
  try {
    tx_.write([&](UnitOfWork& uow) {
      auto current = uow.transaction().find(schema_, id);
      if (!current || (*current)[kCommand] != Value(name)) return;  // settled meanwhile
      (*current)[kCommand] = (*current)[kCommandPending] = (*current)[kCommandUntil] = std::monostate{};
      cmd->guard->then(*current, uow);
      uow.transaction().update(schema_, id, UnitOfWork::without_id(*current));
    });
    spdlog::info("{} {}: command '{}' confirmed after the fact; done", spec_.model->name, id, name);
  } catch (const Error& e) {
    spdlog::error("{} {}: command '{}' confirmed by the callee but refused here ({}); cleared",
                  spec_.model->name, id, name, e.what());
    set_marker(id, std::monostate{}, std::monostate{});
  }
}

void ResourceCore::set_marker(std::int64_t id, const Value& command, const Value& until) {
  tx_.write([&](UnitOfWork& uow) {
    uow.transaction().update(schema_, id, Record{{kCommand, command},
                                                 {kCommandPending, is_null(command) ? Value{} : Value(true)},
                                                 {kCommandUntil, until}});
  });
}

// ---- changes

const Command* ResourceCore::command_for(const std::string& field, const Value& value) const {
  const auto* text = std::get_if<std::string>(&value);
  auto cmd = std::find_if(spec_.commands.begin(), spec_.commands.end(), [&](const Command& c) {
    return c.field == field && text && c.value == *text;
  });
  return cmd == spec_.commands.end() ? nullptr : &*cmd;
}

const Command* ResourceCore::guarded_in(const Record& changes) const {
  for (const auto& [field, value] : changes)
    if (const Command* c = command_for(field, value); c && c->guard) return c;
  return nullptr;
}

void ResourceCore::admit(const Command& cmd, const http::Request& req) const {
  const Caller caller = Caller::of(req);
  if (!cmd.access.services_only.empty() && caller.from_outside()) throw Forbidden(cmd.access.services_only);
  if (!caller.may_act_as(cmd.access.roles))
    throw Forbidden(fmt::format("only a {} may set {} to {}", fmt::join(cmd.access.roles, " or "), cmd.field, cmd.value));
}

void ResourceCore::refuse_if_pending(const Record& current) const {
  auto it = current.find(kCommandPending);
  if (it != current.end() && it->second == Value(true))
    throw Conflict(fmt::format("{} {} has a command in progress ({}); try again shortly", spec_.model->name,
                               UnitOfWork::key_text(current.at(spec_.model->key)),
                               std::get<std::string>(current.at(kCommand))));
}

void ResourceCore::apply_changes(const http::Request& req, Record& current, const Record& changes, Changes how,
                                 UnitOfWork& uow) {
  const ModelInfo& m = *spec_.model;
  bool plain_change = false;
  for (const auto& [field, value] : changes) {
    if (field == m.key && m.natural_key()) {
      if (value != current[field]) throw Invalid(fmt::format("field '{}' is the key; it cannot be changed", field));
      continue;
    }
    if (how == Changes::Seed && value == current[field]) continue;  // a whole item sent back: left alone
    const FieldInfo& f = *m.field(field);
    if (const Command* cmd = command_for(field, value)) {
      admit(*cmd, req);
      cmd->run(current, uow);
    } else if (f.rules.settled && value != current[field]) {
      throw Conflict(fmt::format("field '{}' was settled with another service when this {} was created; "
                                 "it cannot be changed",
                                 field, m.name));
    } else if (f.rules.read_only) {
      std::vector<std::string> allowed;
      for (const auto& c : spec_.commands)
        if (c.field == field) allowed.push_back(c.value);
      throw Invalid(allowed.empty()
                        ? fmt::format("field '{}' cannot be changed", field)
                        : fmt::format("field '{}' can only be set to: {}", field, fmt::join(allowed, ", ")));
    } else {
      current[field] = value;
      plain_change = true;
    }
  }
  if (plain_change && spec_.on_updated) spec_.on_updated(current, uow);
}

http::Response ResourceCore::change(const http::Request& req, const Value& key, const Record& changes, Changes how) {
  if (const Command* g = guarded_in(changes)) return run_guarded(req, key, changes, *g);
  const Owner owner = owner_of_call(req);
  CorrelationScope scope(UnitOfWork::key_text(key));
  return write_answer(req, [&](UnitOfWork& uow) {
    Record current = visible(uow, key, owner);
    refuse_if_pending(current);
    apply_changes(req, current, changes, how, uow);
    uow.transaction().update(schema_, row_id(current), UnitOfWork::without_id(current));
    return item_response(req, http::Status::ok, current);
  });
}

http::Response ResourceCore::run_guarded(const http::Request& req, const Value& key, const Record& changes,
                                         const Command& cmd) {
  admit(cmd, req);
  const CommandGuard& g = *cmd.guard;
  const Owner owner = owner_of_call(req);
  const std::string name = cmd.field + "=" + cmd.value;
  const auto deadline = request_deadline(req);
  std::int64_t until = now_ms() + g.timeout_ms;
  if (deadline && *deadline < until) until = *deadline;
  CorrelationScope scope(UnitOfWork::key_text(key));
  // 1. Mark the item, once the domain would accept the command (a dry run).
  const Record marked = tx_.write([&](UnitOfWork& uow) {
    Record current = visible(uow, key, owner);
    refuse_if_pending(current);
    for (const auto& [field, value] : changes) {
      if (field == cmd.field || value == current[field]) continue;
      if (field == spec_.model->key) throw Invalid(fmt::format("field '{}' is the key; it cannot be changed", field));
      throw Invalid(fmt::format("'{}' is sent alone: field '{}' cannot change with it", name, field));
    }
    Record trial = current;
    DryRun dry(uow.transaction());
    UnitOfWork trial_uow(dry, tx_.source());
    g.then(trial, trial_uow);
    uow.transaction().update(schema_, row_id(current), Record{{kCommand, name}, {kCommandPending, true},
                                                              {kCommandUntil, until + kReconcileMarginMs}});
    current[kCommand] = name;
    current[kCommandPending] = true;
    return current;
  }, deadline);
  const std::int64_t id = row_id(marked);
  // 2. Ask, outside any transaction.
  try {
    g.confirm(marked, until);
  } catch (const Uncertain& e) {
    spdlog::warn("{} {}: '{}' outcome unknown ({}); pending, 202", spec_.model->name, id, name, e.what());
    return accepted(req, marked);
  } catch (const Unavailable& e) {
    spdlog::info("{} {}: '{}' not confirmed ({}); unchanged", spec_.model->name, id, name, e.what());
    set_marker(id, std::monostate{}, std::monostate{});
    throw Unavailable(g.fallback, e.retry_after_s);
  } catch (const Error& e) {
    spdlog::info("{} {}: '{}' refused by the callee ({}); unchanged", spec_.model->name, id, name, e.what());
    set_marker(id, std::monostate{}, std::monostate{});
    throw;
  } catch (const std::exception& e) {
    spdlog::warn("{} {}: '{}' failed ({}); pending, 202", spec_.model->name, id, name, e.what());
    return accepted(req, marked);
  }
  // 3. The callee said yes: the change, with the marker cleared, in one transaction. No deadline
  // here: the callee has acted, so the change must follow.
  try {
    return tx_.write([&](UnitOfWork& uow) {
      auto current = uow.transaction().find(schema_, id);
      if (!current) throw NotFound(fmt::format("{} {} not found", spec_.model->name, UnitOfWork::key_text(key)));
      if ((*current)[kCommand] != Value(name)) {  // confirm overran its deadline: the reconciler settled it
        spdlog::warn("{} {}: '{}' was settled by the reconciler meanwhile", spec_.model->name, id, name);
        return item_response(req, http::Status::ok, *current);
      }
      (*current)[kCommand] = (*current)[kCommandPending] = (*current)[kCommandUntil] = std::monostate{};
      g.then(*current, uow);
      uow.transaction().update(schema_, id, UnitOfWork::without_id(*current));
      http::Response res = item_response(req, http::Status::ok, *current);
      remember(uow, req, res);
      return res;
    });
  } catch (const Error& e) {
    spdlog::error("{} {}: '{}' confirmed by the callee but refused here ({}); cleared", spec_.model->name, id, name,
                  e.what());
    set_marker(id, std::monostate{}, std::monostate{});
    throw;
  }
}

http::Response ResourceCore::patch(const http::Request& req, const Value& key) {
  if (auto saved = saved_answer(req)) return *saved;
  return change(req, key, read_body(req, BodyMode::Merge, owner_of_call(req)), Changes::Patch);
}

// PUT: every writable field from the body (absent: emptied), the key kept; with
// put_runs_commands, read-only fields it changes too (commands, or 400).
http::Response ResourceCore::replace(const http::Request& req, const Value& key) {
  const Owner owner = owner_of_call(req);
  const Record body = read_body(req, BodyMode::Replace, owner);
  Record changes;
  for (const auto& f : spec_.model->fields) {
    if (f.name == "id" || f.rules.read_only) continue;
    auto it = body.find(f.name);
    if (it != body.end()) changes[f.name] = it->second;
    else if (f.name != spec_.model->key) changes[f.name] = std::monostate{};
  }
  if (spec_.put_runs_commands)
    for (auto& [field, value] : read_body(req, BodyMode::Merge, owner))
      if (spec_.model->field(field)->rules.read_only) changes[field] = value;
  return change(req, key, changes, Changes::Seed);
}

http::Response ResourceCore::remove(const http::Request& req, const Value& key) {
  const Owner owner = owner_of_call(req);
  tx_.write([&](UnitOfWork& uow) {
    const Record current = visible(uow, key, owner);
    refuse_if_pending(current);
    uow.transaction().remove(schema_, row_id(current));
  });
  http::Response res{http::Status::no_content, req.version()};
  res.keep_alive(req.keep_alive());
  return res;
}

}  // namespace hexa::rest
