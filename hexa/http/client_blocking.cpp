#include "hexa/http/client_blocking.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

#include "hexa/http/client_call.hpp"

namespace hexa::http::detail {
namespace beast = boost::beast;
using Clock = BlockingCalls::Clock;

namespace {

int ms_left(Clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(std::min<long long>(left, 1 << 30)) : 0;
}

// Until `fd` is ready for `events` (or has an error to report), or the deadline: false then.
bool ready(int fd, short events, Clock::time_point deadline) {
  pollfd p{fd, events, 0};
  for (;;) {
    const int rc = ::poll(&p, 1, ms_left(deadline));
    if (rc > 0) return true;
    if (rc == 0) return false;
    if (errno != EINTR) return true;  // the next call on the socket tells what went wrong
  }
}

std::string error_text(int err) { return std::strerror(err); }

std::string wire_bytes(const Request& req) {
  std::string out;
  beast_http::request_serializer<beast_http::string_body> sr(req);
  beast::error_code ec;
  do {
    sr.next(ec, [&](beast::error_code&, const auto& buffers) {
      for (const auto b : beast::buffers_range_ref(buffers)) out.append(static_cast<const char*>(b.data()), b.size());
      sr.consume(beast::buffer_bytes(buffers));
    });
  } while (!ec && !sr.is_done());
  return out;
}

// A connected non-blocking socket, or none and why (within the connect timeout: Refused).
UniqueFd connect_to(const Endpoint& to, Clock::time_point deadline, std::string& error) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string host = to.host.size() > 2 && to.host.front() == '[' ? to.host.substr(1, to.host.size() - 2) : to.host;
  if (const int rc = ::getaddrinfo(host.c_str(), std::to_string(to.port).c_str(), &hints, &found); rc != 0) {
    error = "cannot resolve " + to.host + ": " + ::gai_strerror(rc);
    return {};
  }
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(found, &::freeaddrinfo);
  error = "cannot connect to " + to.str();
  for (const addrinfo* a = found; a; a = a->ai_next) {
    UniqueFd fd(::socket(a->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) continue;
    if (::connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) {
        error += ": " + error_text(errno);
        continue;
      }
      if (!ready(fd.get(), POLLOUT, deadline)) {
        error += ": timed out";
        return {};
      }
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        error += ": " + error_text(err);
        continue;
      }
    }
    const int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
  }
  return {};
}

}  // namespace

// One request on one connection: what came of it, and whether the far side sent anything.
struct BlockingCalls::Attempt {
  const std::string& key;
  Failure failure = Failure::None;
  std::string error;
  bool wrote_all = false;
  bool got_some = false;  // a byte of answer arrived
  bool reusable = false;  // the connection may serve the next call
  Response response;

  bool write(int fd, std::string_view bytes, Clock::time_point deadline) {
    while (!bytes.empty()) {
      const auto n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n > 0) {
        bytes.remove_prefix(static_cast<std::size_t>(n));
      } else if (n == 0) {
        return fail(Failure::Broken, "sending to ", "nothing could be sent");
      } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        if (!ready(fd, POLLOUT, deadline)) return fail(Failure::Timeout, "no answer from ", "timed out");
      } else if (errno != EINTR) {
        return fail(Failure::Broken, "sending to ", error_text(errno));
      }
    }
    return wrote_all = true;
  }

  bool read(int fd, Verb method, Clock::time_point deadline) {
    std::optional<beast_http::response_parser<beast_http::string_body>> parser;
    const auto fresh = [&] {
      parser.emplace();
      parser->eager(true);
      parser->body_limit(kMaxResponseBody);
      if (method == Verb::head) parser->skip(true);  // Content-Length without a body
    };
    fresh();
    beast::flat_buffer buffer;
    for (;;) {
      while (buffer.size() > 0 && !parser->is_done()) {
        beast::error_code ec;
        buffer.consume(parser->put(buffer.data(), ec));
        if (ec == beast_http::error::need_more) break;
        if (ec) return fail(Failure::Broken, "reading the answer of ", ec.message());
      }
      if (parser->is_done()) {
        if (parser->get().result_int() / 100 == 1) {  // interim (100 Continue): the real one follows
          fresh();
          continue;
        }
        reusable = !parser->get().need_eof() && buffer.size() == 0;
        response = parser->release();
        return true;
      }
      const auto space = buffer.prepare(16 * 1024);
      const auto n = ::recv(fd, space.data(), space.size(), 0);
      if (n > 0) {
        buffer.commit(static_cast<std::size_t>(n));
        got_some = true;
      } else if (n == 0) {
        beast::error_code ec;
        if (parser->got_some()) parser->put_eof(ec);  // an answer that ends with the connection
        if (parser->got_some() && !ec && parser->is_done()) {
          response = parser->release();
          return true;
        }
        return fail(Failure::Broken, "reading the answer of ", "the connection was closed");
      } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        if (!ready(fd, POLLIN, deadline)) return fail(Failure::Timeout, "no answer from ", "timed out");
      } else if (errno != EINTR) {
        return fail(Failure::Broken, "reading the answer of ", error_text(errno));
      }
    }
  }

  bool fail(Failure f, const char* what, const std::string& detail) {
    failure = f;
    error = what + key + ": " + detail;
    return false;
  }
};

BlockingCalls::~BlockingCalls() {
  std::unique_lock lock(mutex_);
  closing_ = true;
  idle_.clear();
  for (const int fd : active_) ::shutdown(fd, SHUT_RDWR);  // each call then ends, Broken
  left_.wait(lock, [&] { return active_.empty(); });
}

Reply BlockingCalls::send(const Endpoint& to, Request req, Clock::time_point deadline) {
  const std::string key = to.str();
  prepare_request(req, key);
  return attempt(to, key, req, wire_bytes(req), deadline, true);
}

Reply BlockingCalls::attempt(const Endpoint& to, const std::string& key, const Request& req, const std::string& wire,
                             Clock::time_point deadline, bool may_retry) {
  Reply reply;
  UniqueFd fd = may_retry ? take(key) : UniqueFd{};
  const bool reused = static_cast<bool>(fd);
  if (!reused) {
    fd = connect_to(to, std::min(deadline, Clock::now() + options_.connect_timeout), reply.error);
    if (!fd) {
      reply.failure = Failure::Refused;
      return reply;
    }
  }
  if (!enter(fd.get())) {
    reply.failure = Failure::Refused;
    reply.error = "client is shutting down";
    return reply;
  }
  Attempt a{key};
  const bool done = a.write(fd.get(), wire, deadline) && a.read(fd.get(), req.method(), deadline);
  leave(fd.get());
  if (done) {
    if (a.reusable) put(key, std::move(fd));
    reply.response = std::move(a.response);
    return reply;
  }
  // A reused connection that could not take the request, or gave not one byte of answer: the
  // server had most likely closed it while it sat idle. Most likely is not surely, so after the
  // whole request went out only one that may arrive twice goes again.
  if (reused && a.failure == Failure::Broken && (!a.wrote_all || (!a.got_some && is_idempotent(req.method()))))
    return attempt(to, key, req, wire, deadline, false);
  reply.failure = a.failure;
  reply.error = std::move(a.error);
  return reply;
}

UniqueFd BlockingCalls::take(const std::string& key) {
  std::lock_guard lock(mutex_);
  const auto it = idle_.find(key);
  if (it == idle_.end()) return {};
  auto& stack = it->second;
  while (!stack.empty()) {
    UniqueFd fd = std::move(stack.back());
    stack.pop_back();
    if (looks_open(fd.get())) return fd;
  }
  return {};
}

void BlockingCalls::put(const std::string& key, UniqueFd fd) {
  std::lock_guard lock(mutex_);
  auto& stack = idle_[key];
  if (!closing_ && stack.size() < options_.max_idle_per_endpoint) stack.push_back(std::move(fd));
}

bool BlockingCalls::enter(int fd) {
  std::lock_guard lock(mutex_);
  if (closing_) return false;
  active_.insert(fd);
  return true;
}

void BlockingCalls::leave(int fd) {
  std::lock_guard lock(mutex_);
  active_.erase(fd);
  if (closing_ && active_.empty()) left_.notify_all();
}

}  // namespace hexa::http::detail
