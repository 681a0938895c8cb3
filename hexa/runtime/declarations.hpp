#pragma once
// What a service declared, kept for its self-description (`--describe`, description.hpp): the
// Service records here what its templates know of each declaration (the event types of its
// policies and views, its remotes' aggregates); the rest it already holds (resources, callers,
// channels). Nothing here runs anything.
#include <list>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "hexa/domain/event_info.hpp"
#include "hexa/runtime/step_policy.hpp"
#include "hexa/runtime/view.hpp"

namespace hexa {

struct Declarations {
  struct StepPolicy {
    const EventInfo* event;
    std::shared_ptr<const StepPlan> plan;  // complete by the time run() describes it
  };
  struct ViewOf {
    const ModelInfo* model;
    std::string key;  // the correlation key its rows are kept by
    bool served;
    std::vector<const EventInfo*> events;  // on<E>, in declared order
  };
  struct RemoteOf {
    std::string service;
    const ModelInfo* model;          // the caller's own view of the callee's aggregate
    std::set<std::string> finders;   // the fields it finds items by (Remote::finds_by)
  };

  std::vector<const EventInfo*> policies;  // when<E>(fn)
  std::vector<StepPolicy> step_policies;   // when<E>().local/.call/.then/.undo
  std::list<ViewOf> views;                 // stable addresses: each View notes its events later
  std::list<RemoteOf> remotes;  // stable addresses: each Remote notes its finders later

  EventNote view(const ModelInfo& m, const std::string& key, bool served) {
    auto& v = views.emplace_back(ViewOf{&m, key, served, {}});
    return [&v](const EventInfo& e) { v.events.push_back(&e); };
  }
};

}  // namespace hexa
