#pragma once
// A typed client for another service's resource, declared with the caller's own view of that
// aggregate (as the seeds' external/Pay.java): `Remote<Pay> pays = svc.remote<Pay>("pay");`
#include <optional>
#include <string>

#include "hexa/client/remote_caller.hpp"
#include "hexa/model/model.hpp"

namespace hexa {

template <class T>
class Remote {
 public:
  explicit Remote(RemoteCaller& caller) : caller_(caller) {}

  // POST /<collection>; see RemoteCaller::call for the failures it throws.
  T create(const T& t, std::optional<std::int64_t> deadline_ms = std::nullopt) {
    Record r = to_record(t);
    r.erase("id");
    auto answer = caller_.call(http::Verb::post, path(), rest::to_json(r, model_of<T>()), deadline_ms,
                               caller_.policy().idempotent_create ? Idempotent::Yes : Idempotent::No);
    if (!answer) throw Unavailable(caller_.service() + " has no " + path());
    return parse(*answer);
  }

  // GET /<collection>/search/findByXxx?xxx=value: the first match.
  std::optional<T> find_one(const std::string& field, const Value& value) {
    std::string finder = "findBy" + field;
    finder[6] = static_cast<char>(std::toupper(static_cast<unsigned char>(finder[6])));
    const std::string text = rest::to_json(value).is_string() ? std::get<std::string>(value)
                                                              : rest::to_json(value).dump();
    auto answer = caller_.call(http::Verb::get, path() + "/search/" + finder + "?" + field + "=" + text, std::nullopt);
    if (!answer) return std::nullopt;
    const auto& items = (*answer)["_embedded"][model_of<T>().collection];
    if (!items.is_array() || items.empty()) return std::nullopt;
    return parse(items.front());
  }

 private:
  std::string path() const { return "/" + model_of<T>().collection; }
  static T parse(const rest::Json& j) {
    Record r;
    for (const auto& f : model_of<T>().fields)
      if (auto it = j.find(f.name); it != j.end()) r[f.name] = rest::coerce(*it, f);
    return from_record<T>(r);
  }

  RemoteCaller& caller_;
};

}  // namespace hexa
