#pragma once
// A channel that POSTs what it sends to a URL (channel.hpp).
#include <chrono>
#include <string>

#include "hexa/channels/channel.hpp"

namespace hexa {

class WebhookChannel final : public Channel {
 public:
  WebhookChannel(std::string name, const std::string& url, std::chrono::milliseconds timeout, http::Client& client);
  void send(const std::string& text, const StepContext& step) override;
  std::string kind() const override { return "webhook"; }

 private:
  std::string name_;
  http::Endpoint to_;
  std::string target_;  // the URL's path and query
  std::chrono::milliseconds timeout_;
  http::Client& client_;
};

}  // namespace hexa
