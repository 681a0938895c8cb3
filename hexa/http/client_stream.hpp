#pragma once
// A call whose answer is relayed as it arrives (a gateway passing on server-sent events):
// its head once, then each piece of body as it comes, until the far side closes or the
// caller closes the call. Only the head has a deadline: a stream has no whole answer to await.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "hexa/http/client.hpp"

namespace hexa::http {

struct StreamHandlers {
  // The answer's head (its body empty), or the failure when none came in time (then nothing
  // else is called). False: the caller wants no body after all, and the call ends.
  std::function<bool(Reply head)> on_head;
  // A piece of body. False: the caller is gone, and the call ends.
  std::function<bool(std::string piece)> on_body;
  // The body ended (the far side closed, or the connection broke); not after a false above.
  std::function<void()> on_end;
};

// A call in progress. close(): any thread; the connection closes and no handler runs after.
class StreamCall {
 public:
  virtual ~StreamCall() = default;
  virtual void close() = 0;
};

}  // namespace hexa::http
