#pragma once
// Consumer-driven contracts (as Pact or Spring Cloud Contract), from the services'
// self-descriptions: one per synchronous call a service declares (`svc.remote<T>("pay")`),
// written by `hexa describe` as docs/<system>/contracts/<consumer>-to-<provider>-<path>.json.
// Each records the calls the consumer's code makes (create, find, command), what it sends on
// create (POST <path> with the fields of its own view T of the provider's aggregate), what it
// relies on in the answers (T's fields, with their kinds) and how it finds an item (by key).
// Not recorded: which field a find_one/exists/command looks up by (a run-time argument, so the
// finder findByXxx itself is not in the contract; the verifier looks the item up by key). tests/contracts/verify.py checks a provider against them.
#include "hexa/docs/system_docs.hpp"

namespace hexa::docs {

// File name under docs/<system>/ -> the contract's JSON text.
Files contracts(const std::vector<rest::Json>& descriptions);

}  // namespace hexa::docs
