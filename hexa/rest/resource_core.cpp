#include "hexa/rest/resource_core.hpp"

#include <charconv>
#include <stdexcept>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "hexa/model/errors.hpp"
#include "hexa/rest/ownership.hpp"
#include "hexa/rest/public_url.hpp"
#include "hexa/runtime/logging.hpp"

namespace hexa::rest {

namespace {

constexpr const char* kPending = "_pending";             // true while a guard is asked
constexpr const char* kPendingUntil = "_pending_until";  // when the reconciler may settle it
constexpr std::int64_t kReconcileMarginMs = 1000;        // beyond the callee's deadline

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
  if (spec_.owner && !spec_.model->field(*spec_.owner))
    throw std::logic_error(fmt::format("{}: owner field '{}' is not one of its fields", spec_.model->name, *spec_.owner));
  if (spec_.guard) {
    schema_.columns.push_back({kPending, Kind::Boolean, false, true});
    schema_.columns.push_back({kPendingUntil, Kind::Integer, false, false});
  }
}

Schema ResourceCore::storage_schema() const { return schema_; }

void ResourceCore::add_routes(Router& router) {
  using V = http::Verb;
  auto guarded = [this](V verb, auto fn) {
    return [this, verb, fn](const http::Request& req, const PathParams& p) -> http::Response {
      if (auto it = spec_.denied.find(verb); it != spec_.denied.end()) throw NotAllowed(it->second);
      return fn(req, p);
    };
  };
  auto id_of = [](const PathParams& p) { return parse_id(p.at("id")); };
  const std::string item = base_path_ + "/{id}";
  router.add(V::post, base_path_, guarded(V::post, [this](auto& req, auto&) { return create(req); }));
  router.add(V::get, base_path_, [this](auto& req, auto&) { return list(req, {}, base_path_); });
  router.add(V::get, base_path_ + "/search/{finder}",
             [this](auto& req, auto& p) { return search(req, p.at("finder")); });
  router.add(V::get, item, [this, id_of](auto& req, auto& p) { return get(req, id_of(p)); });
  router.add(V::put, item, guarded(V::put, [this, id_of](auto& req, auto& p) { return replace(req, id_of(p)); }));
  router.add(V::patch, item, guarded(V::patch, [this, id_of](auto& req, auto& p) { return patch(req, id_of(p)); }));
  router.add(V::delete_, item, guarded(V::delete_, [this, id_of](auto& req, auto& p) { return remove(req, id_of(p)); }));
}

http::Response ResourceCore::item_response(const http::Request& req, http::Status status, const Record& r) {
  Json j = to_json(r, *spec_.model);
  const std::string self = base_url(req) + base_path_ + "/" + std::to_string(std::get<std::int64_t>(r.at("id")));
  std::string singular = spec_.model->name;
  singular[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(singular[0])));
  j["_links"] = Json{{"self", link(self)}, {singular, link(self)}};
  auto res = http::json_response(req, status, dump(j));
  if (status == http::Status::created) res.set(http::beast_http::field::location, self);
  return res;
}

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

// Absent, pending (a guarded creation not yet confirmed) and someone else's: the same 404.
Record ResourceCore::visible(Transaction& t, std::int64_t id, const Owner& owner) const {
  auto row = t.find(schema_, id);
  const bool hidden = row && ((spec_.guard && !is_null((*row)[kPending])) ||
                              (owner && (*row)[*spec_.owner] != Value(*owner)));
  if (!row || hidden) throw NotFound(fmt::format("{} {} not found", spec_.model->name, id));
  return *row;
}

http::Response ResourceCore::get(const http::Request& req, std::int64_t id) {
  const Owner owner = owner_of_call(req);
  auto r = tx_.read([&](UnitOfWork& uow) { return visible(uow.transaction(), id, owner); });
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
    Json j = to_json(r, *spec_.model);
    const std::string self = base + base_path_ + "/" + std::to_string(std::get<std::int64_t>(r.at("id")));
    j["_links"] = Json{{"self", link(self)}};
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
    std::string name = "findBy" + field;
    name[6] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[6])));
    if (name != finder) continue;
    const auto q = parse_query(req.target());
    auto it = q.find(field);
    if (it == q.end()) throw Invalid(fmt::format("query parameter '{}' is required", field));
    const FieldInfo& f = *spec_.model->field(field);
    Value v = coerce(Json(it->second), f);
    return list(req, Query{{{field, v}}, {}, 0, -1}, std::string(req.target()));
  }
  throw NotFound(fmt::format("no search '{}' on {}", finder, spec_.model->collection));
}

Record ResourceCore::insert_pending(const Record& r, std::int64_t until_ms) {
  return tx_.write([&](UnitOfWork& uow) {
    Record row = UnitOfWork::without_id(r);
    row[kPending] = true;
    row[kPendingUntil] = until_ms;
    row["id"] = uow.transaction().insert(schema_, UnitOfWork::without_id(row));
    return row;
  });
}

Record ResourceCore::complete(std::int64_t id) {
  return tx_.write([&](UnitOfWork& uow) {
    auto row = uow.transaction().find(schema_, id);
    if (!row || is_null((*row)[kPending])) throw Unavailable(spec_.guard->fallback_message);
    (*row)[kPending] = std::monostate{};
    (*row)[kPendingUntil] = std::monostate{};
    if (spec_.on_created) spec_.on_created(*row, uow);
    uow.transaction().update(schema_, id, UnitOfWork::without_id(*row));
    return *row;
  });
}

http::Response ResourceCore::create(const http::Request& req) {
  Record r = spec_.blank();
  const Owner owner = owner_of_call(req);
  for (auto& [k, v] : read_body(req, BodyMode::Create, owner)) r[k] = std::move(v);
  const auto deadline = request_deadline(req);
  if (!spec_.guard) {
    bool existed = false;
    Record row = tx_.write([&](UnitOfWork& uow) {
      auto& t = uow.transaction();
      if (spec_.idempotent_on) {
        Query same{{{*spec_.idempotent_on, r[*spec_.idempotent_on]}}, {}, 0, 1};
        if (owner) same.where.push_back({*spec_.owner, *owner});  // never answer another's row
        auto found = t.select(schema_, same);
        if (!found.empty()) { existed = true; return found.front(); }
      }
      r["id"] = t.insert(schema_, UnitOfWork::without_id(r));
      CorrelationScope scope(std::to_string(std::get<std::int64_t>(r["id"])));
      if (spec_.on_created) {
        spec_.on_created(r, uow);
        t.update(schema_, std::get<std::int64_t>(r["id"]), UnitOfWork::without_id(r));
      }
      return r;
    }, deadline);
    return item_response(req, existed ? http::Status::ok : http::Status::created, row);
  }
  const Guard& g = *spec_.guard;
  std::int64_t until = now_ms() + g.timeout_ms;
  if (deadline && *deadline < until) until = *deadline;
  Record pending = insert_pending(r, until + kReconcileMarginMs);
  const auto id = std::get<std::int64_t>(pending["id"]);
  CorrelationScope scope(std::to_string(id));
  try {
    g.confirm(pending, until);
  } catch (const Uncertain& e) {
    spdlog::warn("{} {}: outcome unknown ({}); left pending for reconciliation", spec_.model->name, id, e.what());
    throw Unavailable(g.fallback_message);
  } catch (const Error& e) {
    spdlog::info("{} {}: refused ({}); not stored", spec_.model->name, id, e.what());
    tx_.write([&](UnitOfWork& uow) { uow.transaction().remove(schema_, id); });
    throw Unavailable(g.fallback_message);
  }
  return item_response(req, http::Status::created, complete(id));
}

int ResourceCore::reconcile() {
  if (!spec_.guard) return 0;
  auto pending = tx_.read([&](UnitOfWork& uow) {
    return uow.transaction().select(schema_, Query{{{kPending, true}}, {}, 0, 100});
  });
  int settled = 0;
  for (auto& row : pending) {
    if (std::get<std::int64_t>(row[kPendingUntil]) > now_ms()) continue;
    const auto id = std::get<std::int64_t>(row["id"]);
    CorrelationScope scope(std::to_string(id));
    auto answer = spec_.guard->confirmed(row);
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

void ResourceCore::apply_patch(Record& current, const Record& patch, UnitOfWork& uow) {
  bool plain_change = false;
  for (const auto& [field, value] : patch) {
    const FieldInfo& f = *spec_.model->field(field);
    const auto* text = std::get_if<std::string>(&value);
    auto cmd = std::find_if(spec_.commands.begin(), spec_.commands.end(), [&](const Command& c) {
      return c.field == field && text && c.value == *text;
    });
    if (cmd != spec_.commands.end()) {
      cmd->run(current, uow);
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

http::Response ResourceCore::patch(const http::Request& req, std::int64_t id) {
  const Owner owner = owner_of_call(req);
  const Record changes = read_body(req, BodyMode::Merge, owner);
  CorrelationScope scope(std::to_string(id));
  Record row = tx_.write([&](UnitOfWork& uow) {
    Record current = visible(uow.transaction(), id, owner);
    apply_patch(current, changes, uow);
    uow.transaction().update(schema_, id, UnitOfWork::without_id(current));
    return current;
  }, request_deadline(req));
  return item_response(req, http::Status::ok, row);
}

http::Response ResourceCore::replace(const http::Request& req, std::int64_t id) {
  const Owner owner = owner_of_call(req);
  const Record body = read_body(req, BodyMode::Replace, owner);
  Record row = tx_.write([&](UnitOfWork& uow) {
    Record current = visible(uow.transaction(), id, owner);
    for (const auto& f : spec_.model->fields)
      if (f.name != "id" && !f.rules.read_only) {
        auto it = body.find(f.name);
        current[f.name] = it == body.end() ? Value{} : it->second;
      }
    if (spec_.on_updated) spec_.on_updated(current, uow);
    uow.transaction().update(schema_, id, UnitOfWork::without_id(current));
    return current;
  }, request_deadline(req));
  return item_response(req, http::Status::ok, row);
}

http::Response ResourceCore::remove(const http::Request& req, std::int64_t id) {
  const Owner owner = owner_of_call(req);
  tx_.write([&](UnitOfWork& uow) {
    visible(uow.transaction(), id, owner);
    uow.transaction().remove(schema_, id);
  });
  http::Response res{http::Status::no_content, req.version()};
  res.keep_alive(req.keep_alive());
  return res;
}

}  // namespace hexa::rest
