#pragma once
// The little HTTP the launcher needs on 127.0.0.1: readiness probes, its control API, and the
// fake service of its tests. Kept apart from hexa/http on purpose: the launcher supervises
// services built on that stack and should not share its failure modes, and these few
// one-request connections need nothing of pooling or keep-alive.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace hexa::launcher {

struct HttpAnswer {
  int status = 0;
  std::string body;  // JSON, both ways (but the launcher's /metrics)
  std::string content_type = "application/json";  // of an answer served
};

// One request on a fresh connection; nothing when no whole answer came within `timeout`.
std::optional<HttpAnswer> http_call(std::uint16_t port, std::string_view method,
                                    std::string_view target, std::chrono::milliseconds timeout,
                                    const std::string& body = {},
                                    const std::map<std::string, std::string>& headers = {});

// Called on the server's thread; must answer quickly.
using HttpHandler =
    std::function<HttpAnswer(std::string_view method, std::string_view target, const std::string& body)>;

class LoopbackServer {
 public:
  // Binds 127.0.0.1:port (0: any free port) and serves on its own thread; throws if it cannot bind.
  LoopbackServer(std::uint16_t port, HttpHandler handler);
  ~LoopbackServer();  // stops serving and joins the thread
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  std::uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hexa::launcher
