#pragma once
// Serves REST resources in process, on a real SQLite store in a temporary directory: a request
// goes through the router to the resource as it would in a service, without sockets or
// processes. Errors come back as the status and message a service would answer.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "hexa/domain.hpp"
#include "hexa/rest/json_mapping.hpp"
#include "hexa/rest/resource.hpp"
#include "hexa/store/store.hpp"

namespace hexa::testing {

struct Answer {
  int status = 0;
  std::string body;
  std::string location;
  std::string retry_after;
  rest::Json json() const { return rest::Json::parse(body, nullptr, false); }
};

class ResourceHarness : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("resource-harness-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    open();
  }
  void TearDown() override {
    cores_.clear();
    tx_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // The store opened again, as after a restart: resources must be served again.
  void restart() {
    cores_.clear();
    router_ = Router{};
    tx_.reset();
    store_.reset();
    open();
  }

  rest::ResourceCore& serve(rest::ResourceSpec spec) {
    cores_.push_back(std::make_unique<rest::ResourceCore>(std::move(spec), *tx_));
    cores_.back()->migrate();
    cores_.back()->add_routes(router_);
    return *cores_.back();
  }

  Answer call(http::Verb verb, const std::string& target, const std::string& body = "",
              const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    http::Request req{verb, target, 11};
    req.set(http::beast_http::field::host, "localhost:8088");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    auto m = router_.match(verb, target);
    if (!m.route) return {m.path_known ? 405 : 404, "", "", ""};
    try {
      auto res = m.route->handler(req, m.params);
      return {static_cast<int>(res.result_int()), res.body(), std::string(res[http::beast_http::field::location]), ""};
    } catch (const Unavailable& e) {
      return {503, e.what(), "", std::to_string(e.retry_after_s)};
    } catch (const Error& e) {
      return {e.status(), e.what(), "", ""};
    }
  }

  std::size_t outbox_size() { return store_->outbox_batch(1000).size(); }
  std::vector<std::string> outbox_types() {
    std::vector<std::string> out;
    for (const auto& e : store_->outbox_batch(1000)) out.push_back(e.event.type);
    return out;
  }

  template <class F>
  auto in_tx(F&& f) { return tx_->write(std::forward<F>(f)); }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Transactor> tx_;
  std::vector<std::unique_ptr<rest::ResourceCore>> cores_;
  Router router_;

 private:
  void open() {
    store_ = open_store("sqlite:" + (dir_ / "db.sqlite").string());
    tx_ = std::make_unique<Transactor>(*store_, EventSource{"test", "test"}, [] {});
  }
};

}  // namespace hexa::testing
