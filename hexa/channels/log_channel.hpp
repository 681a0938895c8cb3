#pragma once
// A channel that writes what it sends to the service's log (channel.hpp).
#include <string>

#include "hexa/channels/channel.hpp"

namespace hexa {

class LogChannel final : public Channel {
 public:
  explicit LogChannel(std::string name) : name_(std::move(name)) {}
  void send(const std::string& text, const StepContext& step) override;
  std::string kind() const override { return "log"; }

 private:
  std::string name_;
};

}  // namespace hexa
