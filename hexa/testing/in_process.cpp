#include "hexa/testing/in_process.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <thread>

namespace hexa::testing {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

template <class Message>
Headers headers_of(const Message& m) {
  Headers out;
  for (const auto& f : m) out[lower(std::string(f.name_string()))] = std::string(f.value());
  return out;
}

// The configuration a test gives: the file, then `set` where the environment would override
// it. The test's own environment is not read (PROFILE, SERVICES_PAY_URL of a developer's
// shell), and every remote service gets an address that is never dialled.
Config config_of(const Options& o) {
  std::map<std::string, std::string> env;
  for (const auto& [key, value] : o.set) env[Config::env_name(key)] = value;
  Config::Env lookup = [env = std::move(env)](const std::string& name) -> std::optional<std::string> {
    if (auto it = env.find(name); it != env.end()) return it->second;
    if (name.starts_with("SERVICES_") && name.ends_with("_URL")) return "http://127.0.0.1:1";
    return std::nullopt;
  };
  std::vector<std::string> profiles{"default"};
  profiles.insert(profiles.end(), o.profiles.begin(), o.profiles.end());
  return o.config_file.empty() ? Config::from_string("{}", profiles, lookup)
                               : Config::load(o.config_file, profiles, lookup);
}

std::filesystem::path fresh_directory(const std::string& name, const void* owner) {
  auto dir = std::filesystem::temp_directory_path() /
             ("hexa-in-process-" + std::to_string(::getpid()) + "-" + name + "-" +
              std::to_string(reinterpret_cast<std::uintptr_t>(owner)));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

http::Reply reply_of(const Answer& a) {
  http::Reply r;
  r.response.result(static_cast<unsigned>(a.status));
  r.response.version(11);
  for (const auto& [k, v] : a.headers) r.response.set(k, v);
  if (!a.headers.contains("content-type")) r.response.set(http::beast_http::field::content_type, "application/json");
  r.response.body() = a.body;
  r.response.prepare_payload();
  return r;
}

}  // namespace

std::string Answer::header(const std::string& name) const {
  auto it = headers.find(lower(name));
  return it == headers.end() ? "" : it->second;
}

FakeRemote& FakeRemote::answer(Handler handler) {
  std::lock_guard lock(mutex_);
  handler_ = std::move(handler);
  return *this;
}

FakeRemote& FakeRemote::by(InProcess& service) {
  return answer([&service](const Call& c) { return service.request(c.method, c.target, c.body, c.headers); });
}

FakeRemote& FakeRemote::down() {
  std::lock_guard lock(mutex_);
  handler_ = nullptr;
  down_reason_ = "down in this test";
  return *this;
}

FakeRemote& FakeRemote::refusing(int status, std::string message) {
  return answer([status, message = std::move(message)](const Call& c) {
    return Answer{status, rest::Json{{"status", status}, {"message", message}, {"path", c.target}}.dump(), {}};
  });
}

FakeRemote& FakeRemote::slow(std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  delay_ = delay;
  return *this;
}

FakeRemote& FakeRemote::late(std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  late_ = delay;
  return *this;
}

FakeRemote& FakeRemote::fast() {
  late(std::chrono::milliseconds(0));
  return slow(std::chrono::milliseconds(0));
}

std::vector<Call> FakeRemote::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

std::size_t FakeRemote::count() const {
  std::lock_guard lock(mutex_);
  return calls_.size();
}

http::Reply FakeRemote::send(http::Request req, std::chrono::milliseconds timeout) {
  Call call{req.method(), std::string(req.target()), req.body(), headers_of(req)};
  Handler handler;
  std::chrono::milliseconds delay;
  std::chrono::milliseconds late;
  {
    std::lock_guard lock(mutex_);
    calls_.push_back(call);
    if (!handler_) return http::Reply{http::Failure::Refused, {}, down_reason_};
    handler = handler_;
    delay = delay_;
    late = late_;
  }
  const auto timed_out = [&](std::chrono::milliseconds waited) {
    std::this_thread::sleep_for(timeout - waited);  // the caller's wait, as a real slow callee costs it
    return http::Reply{http::Failure::Timeout, {}, "no answer within " + std::to_string(timeout.count()) + " ms"};
  };
  if (delay >= timeout) return timed_out(std::chrono::milliseconds(0));
  if (delay.count() > 0) std::this_thread::sleep_for(delay);
  http::Reply reply = reply_of(handler(call));  // the work is done, whenever its answer comes
  if (delay + late >= timeout) return timed_out(delay);
  if (late.count() > 0) std::this_thread::sleep_for(late);
  return reply;
}

InProcess::Directory::~Directory() {
  std::error_code ignored;
  std::filesystem::remove_all(path, ignored);
}

InProcess::InProcess(std::string name, const Declare& declare, Options options)
    : dir_{fresh_directory(name, this)} {
  auto transports = [this](const std::string& service) -> RemoteCaller::Transport {
    return [&fake = remote(service)](const http::Endpoint&, http::Request req, std::chrono::milliseconds timeout) {
      return fake.send(std::move(req), timeout);
    };
  };
  // Service's constructor for tests is private to this class (service.hpp).
  service_.reset(new Service(name, config_of(options), transports));
  declare(*service_);
  service_->start_in_process(options.store_url.empty() ? "sqlite:" + (dir_.path / (name + ".db")).string()
                                                       : options.store_url);
}

InProcess::~InProcess() = default;

Answer InProcess::request(http::Verb method, const std::string& target, const std::string& body,
                          const Headers& headers) {
  http::Request req{method, target, 11};
  req.set(http::beast_http::field::host, "localhost");
  if (!body.empty()) req.set(http::beast_http::field::content_type, "application/json");
  for (const auto& [k, v] : headers)
    if (lower(k) != "host" || !v.empty()) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  const http::Response res = service_->answer(req);
  return Answer{static_cast<int>(res.result_int()), res.body(), headers_of(res)};
}

Answer InProcess::get(const std::string& target, const Headers& headers) {
  return request(http::Verb::get, target, "", headers);
}
Answer InProcess::post(const std::string& target, const rest::Json& body, const Headers& headers) {
  return request(http::Verb::post, target, body.dump(), headers);
}
Answer InProcess::put(const std::string& target, const rest::Json& body, const Headers& headers) {
  return request(http::Verb::put, target, body.dump(), headers);
}
Answer InProcess::patch(const std::string& target, const rest::Json& body, const Headers& headers) {
  return request(http::Verb::patch, target, body.dump(), headers);
}
Answer InProcess::del(const std::string& target, const Headers& headers) {
  return request(http::Verb::delete_, target, "", headers);
}

FakeRemote& InProcess::remote(const std::string& service) {
  auto& fake = remotes_[service];
  if (!fake) fake = std::make_unique<FakeRemote>();
  return *fake;
}

std::size_t InProcess::deliver(const Event& e) { return service_->handle_in_process(std::span(&e, 1)); }

std::size_t InProcess::deliver(const std::vector<Event>& events) {
  std::size_t handled = 0;
  for (const auto& e : events) handled += deliver(e);
  return handled;
}

std::size_t InProcess::deliver(const std::string& type, const rest::Json& fields, const std::string& key) {
  Event e{new_event_id(), type, now_ms(), key, "test", "test", {}};
  rest::Json payload = fields;
  payload["eventType"] = type;
  payload["timestamp"] = e.time_ms;
  e.payload = payload.dump();
  return deliver(e);
}

Event InProcess::event(const std::string& type, const std::string& key, const Record& fields) const {
  Event e{new_event_id(), type, now_ms(), key, "test", "test", {}};
  e.payload = encode_payload(type, e.time_ms, fields);
  return e;
}

std::vector<Event> InProcess::raised() const {
  std::vector<Event> out;
  for (auto& entry : service_->store_in_process().outbox_batch(std::numeric_limits<std::int32_t>::max()))
    out.push_back(std::move(entry.event));
  return out;
}

std::vector<Event> InProcess::raised(std::string_view type) const {
  auto all = raised();
  std::erase_if(all, [type](const Event& e) { return e.type != type; });
  return all;
}

std::size_t InProcess::retry_parked() { return service_->retry_parked_in_process(); }
int InProcess::reconcile() { return service_->reconcile_in_process(); }
Store& InProcess::store() { return service_->store_in_process(); }

std::size_t Bus::flow() {
  std::size_t delivered = 0;
  for (bool news = true; news;) {
    news = false;
    for (auto* from : services_) {
      const auto events = from->raised();
      for (auto* to : services_) {
        auto& given = given_[{from, to}];
        for (; given < events.size(); ++given, ++delivered, news = true) to->deliver(events[given]);
      }
    }
  }
  return delivered;
}

}  // namespace hexa::testing
