// The gateway serves a system's web front end from web.root: files for paths no route matches,
// open even with security on (the login form must load before there is a token).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/ip/tcp.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "hexa/config/config.hpp"
#include "hexa/gateway/gateway.hpp"
#include "hexa/http/client.hpp"
#include "hexa/http/server.hpp"

namespace {

using namespace std::chrono_literals;
using hexa::http::Reply;
using hexa::http::Request;
using hexa::http::Responder;
using hexa::http::Status;
using hexa::http::Verb;
namespace bhttp = boost::beast::http;
namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "hexa-web-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }
  void write(const fs::path& relative, const std::string& text) const {
    fs::create_directories((path_ / relative).parent_path());
    std::ofstream(path_ / relative, std::ios::binary) << text;
  }

 private:
  fs::path path_;
};

// A service answering every request with {"routed":true}.
class Service {
 public:
  Service()
      : server_({}, [](Request&& req, Responder respond) {
          respond(hexa::http::json_response(req, Status::ok, R"({"routed":true})"));
        }) {
    server_.start();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

 private:
  hexa::http::Server server_;
};

std::string closed_url() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return "http://127.0.0.1:" + std::to_string(a.local_endpoint().port());
}

class GatewayStatic : public ::testing::Test {
 protected:
  GatewayStatic() {
    site_.write("index.html", "<!doctype html><title>front</title>");
    site_.write("js/app.js", "export const x = 1;");
    site_.write("style.css", "body{}");
    site_.write("logo.svg", "<svg/>");
    site_.write("data.json", "{}");
    outside_.write("secret.txt", "not for you");
  }
  void start(const std::optional<fs::path>& root, bool secure) {
    std::string yaml = "server: {port: 0}\nroutes:\n  - {id: contract, service: contract, paths: [/contracts/**]}\n"
                       "services:\n  contract: {url: \"" + service_.url() + "\"}\n";
    if (root) yaml += "web: {root: \"" + root->string() + "\"}\n";
    if (secure)
      yaml += "security:\n  enabled: true\n  issuer: urn:t\n  audience: urn:a\n  jwks: {url: \"" + closed_url() +
              "/jwks\"}\n  rules:\n    - {paths: [/contracts/**], roles: [CUSTOMER]}\n";
    gateway_ = std::make_unique<hexa::gateway::Gateway>(hexa::Config::from_string(
        yaml, {"default"}, [](const std::string&) { return std::optional<std::string>{}; }));
    gateway_->start();
  }
  Reply get(const std::string& target, Verb verb = Verb::get) {
    return client_.send({"127.0.0.1", gateway_->port()}, Request{verb, target, 11}, 5s);
  }

  TempDir site_;
  TempDir outside_;
  Service service_;
  hexa::http::Client client_;
  std::unique_ptr<hexa::gateway::Gateway> gateway_;
};

TEST_F(GatewayStatic, ServesIndexAtRootAndFilesWithTheirTypesUncached) {
  start(site_.path(), false);
  const Reply index = get("/");
  ASSERT_TRUE(index.answered()) << index.error;
  EXPECT_EQ(index.response.result(), Status::ok);
  EXPECT_EQ(index.response.body(), "<!doctype html><title>front</title>");
  EXPECT_EQ(index.response[bhttp::field::content_type], "text/html;charset=UTF-8");
  EXPECT_EQ(index.response[bhttp::field::cache_control], "no-cache");
  EXPECT_EQ(get("/?v=2").response.result(), Status::ok);

  const Reply script = get("/js/app.js");
  EXPECT_EQ(script.response.body(), "export const x = 1;");
  EXPECT_EQ(script.response[bhttp::field::content_type], "text/javascript;charset=UTF-8");
  EXPECT_EQ(get("/style.css").response[bhttp::field::content_type], "text/css;charset=UTF-8");
  EXPECT_EQ(get("/logo.svg").response[bhttp::field::content_type], "image/svg+xml");
  EXPECT_EQ(get("/data.json").response[bhttp::field::content_type], "application/json;charset=UTF-8");

  const Reply head = get("/js/app.js", Verb::head);
  EXPECT_EQ(head.response.result(), Status::ok);
  EXPECT_EQ(head.response.body(), "");
  EXPECT_EQ(head.response[bhttp::field::content_length], "19");
}

TEST_F(GatewayStatic, RoutesStillWinAndMissingOrEscapingPathsAre404) {
  start(site_.path(), false);
  EXPECT_EQ(get("/contracts/1").response.body(), R"({"routed":true})");
  EXPECT_EQ(get("/nothing.html").response.result(), Status::not_found);
  const std::string escape = "../" + outside_.path().filename().string() + "/secret.txt";
  EXPECT_EQ(get("/" + escape).response.result(), Status::not_found);
  EXPECT_EQ(get("/js/%2e%2e/%2e%2e/" + outside_.path().filename().string() + "/secret.txt").response.result(),
            Status::not_found);
  EXPECT_EQ(get("/js/").response.result(), Status::not_found);
  EXPECT_EQ(get("/js").response.result(), Status::not_found);  // a folder is not a file
  fs::create_symlink(outside_.path() / "secret.txt", site_.path() / "link.txt");
  EXPECT_EQ(get("/link.txt").response.result(), Status::not_found);
  EXPECT_EQ(get("/index.html", Verb::post).response.result(), Status::not_found);  // no route, no file write
}

TEST_F(GatewayStatic, TheFrontEndLoadsWithoutATokenWhenSecurityIsOn) {
  start(site_.path(), true);
  EXPECT_EQ(get("/").response.result(), Status::ok);
  EXPECT_EQ(get("/js/app.js").response.result(), Status::ok);
  EXPECT_EQ(get("/contracts/1").response.result(), Status::unauthorized);  // routes keep their rules
}

TEST_F(GatewayStatic, WithoutAWebFolderRootIs404AsBefore) {
  start(std::nullopt, false);
  EXPECT_EQ(get("/").response.result(), Status::not_found);
  gateway_.reset();
  start(site_.path() / "absent", false);
  EXPECT_EQ(get("/").response.result(), Status::not_found);
  EXPECT_EQ(get("/contracts/1").response.result(), Status::ok);
}

}  // namespace
