#pragma once
// Outbound channels (Dapr's output bindings): named in code, their kind chosen by config.
//
//   hexa::Channel& alerts = svc.channel("alerts");
//   // application.yaml: channels.alerts: {type: webhook, url: "http://host:port/path", timeout-ms: 2000}
//   //                   channels.alerts: {type: log}        (the default)
//   svc.when<Booked>().call([&](const Booked& e, const hexa::StepContext& s) { alerts.send(text_for(e), s); })
//                     .then([](const Booked& e, hexa::UnitOfWork& uow) { uow.add(Notice::of(e)); });
//
// send() is a remote step: call it from a policy's .call, never inside a transaction.
// - webhook: POST <url> with the text as body (application/json when it is JSON, text/plain
//   otherwise) and header Idempotency-Key = the step's key, so the receiver can drop a repeat.
//   2xx: sent. 4xx: hexa::Refused (final). 5xx, refused connection: hexa::Unavailable;
//   timeout, broken connection: hexa::Uncertain; both leave the event parked and retried with
//   the same key (policies.hpp): a receiver that is down gets the message once it is back.
// - log: one log line with the text and the key; never fails.
#include <memory>
#include <string>

#include "hexa/client/step_context.hpp"
#include "hexa/config/config.hpp"
#include "hexa/http/client.hpp"

namespace hexa {

class Channel {
 public:
  virtual ~Channel() = default;
  virtual void send(const std::string& text, const StepContext& step) = 0;
  virtual std::string kind() const = 0;  // "webhook" | "log"
};

// From channels.<name>.*; std::runtime_error naming the key when the configuration is wrong.
std::unique_ptr<Channel> open_channel(const std::string& name, const Config& config, http::Client& client);

}  // namespace hexa
