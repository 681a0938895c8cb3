#pragma once
// What a rollout and the autoscaler both do to a service's instances: plan one more, and tell
// the gateway which instances it sends the service's requests to.
#include <chrono>
#include <optional>
#include <string>

#include "hexa/launcher/supervisor.hpp"

namespace hexa::launcher {

// After the gateway's answer no new request goes to a leaving instance; one it had just picked
// may still be on its way: the leaving instance is stopped this long after.
inline constexpr std::chrono::milliseconds kDeregistrationDelay{500};

// `model`'s plan on a fresh port under the next free number: "contract-1" -> "contract-2".
InstancePlan successor(Supervisor& supervisor, const InstancePlan& model);

// Gives every gateway the service's wanted instances but `leaving` (PUT /actuator/upstreams/<s>,
// answered once applied). Returns why not, when a gateway did not take them.
std::optional<std::string> route_to_instances(Supervisor& supervisor, const std::string& service,
                                              const std::string& leaving = "");

}  // namespace hexa::launcher
