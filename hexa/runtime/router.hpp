#pragma once
// Maps method + path to a handler. Patterns are literal segments and `{name}` captures:
// "/contracts/{id}". A path that matches with another method answers 405.
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "hexa/http/message.hpp"

namespace hexa {

using PathParams = std::map<std::string, std::string>;
using RouteHandler = std::function<http::Response(const http::Request&, const PathParams&)>;
// A route answering through the responder itself, on the I/O thread without blocking: a
// stream (hexa/http/event_stream.hpp).
using StreamRouteHandler = std::function<void(const http::Request&, const PathParams&, http::Responder)>;

enum class Blocking { No, Yes };  // Yes: runs on the worker pool

struct Route {
  http::Verb verb;
  std::vector<std::string> segments;
  RouteHandler handler;
  Blocking blocking;
  StreamRouteHandler stream;  // set: answered by it; `handler` only where no stream can be (in-process)
};

class Router {
 public:
  void add(http::Verb verb, std::string_view pattern, RouteHandler handler,
           Blocking blocking = Blocking::Yes);
  // `whole` answers callers that cannot take a stream (a test's in-process call).
  void add_stream(http::Verb verb, std::string_view pattern, StreamRouteHandler stream, RouteHandler whole);

  struct Match {
    const Route* route = nullptr;  // null: no route for this method
    PathParams params;
    bool path_known = false;       // some route matched the path with another method
  };
  Match match(http::Verb verb, std::string_view target) const;

  static std::vector<std::string> split_path(std::string_view path);
  static std::string_view path_of(std::string_view target);  // without the query string

 private:
  std::vector<Route> routes_;
};

// "a=1&b=%EA%B3%A0" -> {a: "1", b: "고"}
std::map<std::string, std::string> parse_query(std::string_view target);
std::string url_decode(std::string_view s);

}  // namespace hexa
