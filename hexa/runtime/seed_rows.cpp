#include "hexa/runtime/seed_rows.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

namespace hexa {

namespace {

// A scalar as the JSON a client would send for this field: numbers and booleans unquoted when
// they read as such (else the text, for the resource's validation to refuse), the rest as text.
rest::Json json_for(const FieldInfo& f, const std::string& text) {
  if (f.kind == Kind::Integer || f.kind == Kind::Real || f.kind == Kind::Boolean) {
    auto j = rest::Json::parse(text, nullptr, false);
    if (j.is_number() || j.is_boolean()) return j;
  }
  return text;
}

rest::Json read_row(const Config& config, const ModelInfo& m, const std::string& at) {
  const auto names = config.children(at);
  if (names.empty()) throw std::runtime_error(fmt::format("{}: a seed row is a map of {}'s fields", at, m.name));
  rest::Json row = rest::Json::object();
  for (const auto& name : names) {
    const FieldInfo* f = m.field(name);
    if (!f) throw std::runtime_error(fmt::format("{}.{}: {} has no field '{}'", at, name, m.name, name));
    row[name] = json_for(*f, config.get(at + "." + name, ""));
  }
  if (!row.contains(m.key)) throw std::runtime_error(fmt::format("{}: a seed row needs its key '{}'", at, m.key));
  return row;
}

SeedRows read_collection(const Config& config, const rest::ResourceSpec& spec) {
  const ModelInfo& m = *spec.model;
  const std::string at = "seed." + m.collection;
  const FieldInfo* key = m.field(m.key);
  if (!m.natural_key() || !key || !key->rules.assigned)
    throw std::runtime_error(fmt::format("{}: {} numbers its items itself; seed rows need an assigned key", at, m.name));
  if (spec.guard)
    throw std::runtime_error(fmt::format("{}: creating a {} asks another service; it cannot be seeded", at, m.name));
  auto indexes = config.children(at);
  std::ranges::sort(indexes, [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;  // "10" after "9"
  });
  SeedRows seeds{m.collection, m.key, {}};
  for (const auto& i : indexes) seeds.rows.push_back(read_row(config, m, at + "." + i));
  return seeds;
}

http::Request request(http::Verb verb, const std::string& target, const std::string& body = "") {
  http::Request req{verb, target, 11};
  req.set(http::beast_http::field::host, "localhost");
  if (!body.empty()) {
    req.set(http::beast_http::field::content_type, "application/json");
    req.body() = body;
  }
  return req;
}

std::string text_of(const rest::Json& j) { return j.is_string() ? j.get<std::string>() : j.dump(); }

}  // namespace

std::vector<SeedRows> read_seed_rows(const Config& config, const std::list<rest::ResourceSpec>& specs) {
  const auto seeded = config.children("seed");
  std::vector<SeedRows> out;
  for (const auto& spec : specs)
    if (spec.served && std::ranges::find(seeded, spec.model->collection) != seeded.end())
      out.push_back(read_collection(config, spec));
  return out;
}

void seed_rows(const std::vector<SeedRows>& seeds, const std::function<http::Response(const http::Request&)>& answer) {
  for (const auto& s : seeds) {
    int created = 0;
    for (const auto& row : s.rows) {
      const std::string item = "/" + s.collection + "/" + rest::url_encode(text_of(row.at(s.key_field)));
      if (answer(request(http::Verb::get, item)).result_int() == 200) continue;
      const auto res = answer(request(http::Verb::post, "/" + s.collection, row.dump()));
      const auto status = res.result_int();
      if (status == 409) continue;  // another replica seeded it meanwhile
      if (status != 201 && status != 200)
        throw std::runtime_error(fmt::format("seed.{}: the row {} was refused ({}): {}", s.collection, row.dump(),
                                             status, res.body()));
      ++created;
    }
    if (created > 0) spdlog::info("seeded {} of {} rows of {}", created, s.rows.size(), s.collection);
  }
}

}  // namespace hexa
