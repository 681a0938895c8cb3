#include "hexa/runtime/description.hpp"

#include <algorithm>
#include <set>

#include "hexa/runtime/service.hpp"

namespace hexa {
namespace {

using rest::Json;

Json rules_json(const Rules& r) {
  Json j = Json::object();
  if (r.required) j["required"] = true;
  if (r.min) j["min"] = *r.min;
  if (r.max) j["max"] = *r.max;
  if (!r.one_of.empty()) j["oneOf"] = r.one_of;
  if (r.read_only) j["readOnly"] = true;
  if (r.unique) j["unique"] = true;
  if (r.indexed) j["indexed"] = true;
  if (r.key) j["key"] = true;
  if (r.assigned) j["assigned"] = true;
  return j;
}

std::string verb_name(http::Verb v) { return std::string(http::beast_http::to_string(v)); }

Json resource_json(const rest::ResourceSpec& s) {
  Json methods = Json::array({"GET"});
  Json denied = Json::object();
  for (auto v : {http::Verb::post, http::Verb::put, http::Verb::patch, http::Verb::delete_}) {
    if (auto it = s.denied.find(v); it != s.denied.end()) denied[verb_name(v)] = it->second;
    else methods.push_back(verb_name(v));
  }
  Json j{{"path", "/" + s.model->collection}, {"methods", methods}, {"denied", denied}, {"finders", s.finders}};
  j["idempotentOn"] = s.idempotent_on ? Json(*s.idempotent_on) : Json();
  j["guarded"] = s.guard.has_value();
  j["postUpdatesByKey"] = s.post_updates_by_key;
  j["putRunsCommands"] = s.put_runs_commands;
  return j;
}

Json model_json(const ModelInfo& m, const rest::ResourceSpec& s) {
  Json j{{"name", m.name}, {"collection", m.collection}, {"key", m.key}};
  j["owner"] = s.owner ? Json(*s.owner) : Json();
  j["fields"] = fields_json(m.fields);
  if (s.served) j["resource"] = resource_json(s);
  return j;
}

Json remote_json(const Declarations::RemoteOf& r, const RemoteCaller& caller) {
  const CallPolicy& p = caller.policy();
  Json j{{"service", r.service}, {"aggregate", r.model->name}, {"path", "/" + r.model->collection},
         {"timeoutMs", p.timeout_ms}};
  // What the caller sends and reads back (hexa/client/remote.hpp): its own view of the callee's
  // aggregate, which the consumer-driven contracts under docs/<system>/contracts/ are made of.
  j["key"] = r.model->key;
  j["generatedKey"] = r.model->generated_key();
  j["fields"] = fields_json(r.model->fields);
  const auto& uses = remote_uses();
  const auto used = uses.find(r.model->name);
  j["uses"] = used == uses.end() ? Json::array() : Json(used->second);  // create, find, command
  j["findsBy"] = r.finders;  // declared: Remote::finds_by
  if (p.breaker) {
    const auto& b = *p.breaker;
    j["circuitBreaker"] = {{"windowType", b.window_type == b.CountBased ? "count" : "time"},
                           {"windowSize", b.window_size},
                           {"failureRateThreshold", b.failure_rate_threshold},
                           {"slowCallRateThreshold", b.slow_call_rate_threshold},
                           {"slowCallDurationMs", b.slow_call_duration.count()},
                           {"minimumCalls", b.minimum_calls},
                           {"waitInOpenMs", b.wait_in_open.count()},
                           {"permittedCallsInHalfOpen", b.permitted_calls_in_half_open}};
  } else {
    j["circuitBreaker"] = nullptr;
  }
  j["bulkhead"] = p.bulkhead;
  j["concurrency"] = p.concurrency == CallPolicy::Concurrency::Adaptive ? "adaptive"
                     : p.concurrency == CallPolicy::Concurrency::Fixed  ? "fixed"
                                                                        : "none";
  j["retry"] = {{"maxAttempts", p.retry.max_attempts}};
  j["idempotentCreate"] = p.idempotent_create;
  return j;
}

std::string policy_kind(const StepPlan& plan) {
  if (plan.undo) return "saga";
  return "step";
}

}  // namespace

Json fields_json(const std::vector<FieldInfo>& fields) {
  Json out = Json::array();
  for (const auto& f : fields) out.push_back({{"name", f.name}, {"kind", kind_name(f.kind)}, {"rules", rules_json(f.rules)}});
  return out;
}

Json event_json(const EventInfo& e) {
  return {{"name", e.name}, {"key", e.key}, {"aggregate", e.aggregate}, {"fields", fields_json(e.fields)}};
}

Json describe(const ServiceDeclarations& d) {
  std::map<const ModelInfo*, const Declarations::ViewOf*> views;
  for (const auto& v : d.declared.views) views[v.model] = &v;

  Json aggregates = Json::array(), view_list = Json::array();
  for (const auto& spec : d.resources) {
    Json j = model_json(*spec.model, spec);
    if (auto it = views.find(spec.model); it != views.end()) {
      j["key"] = it->second->key;
      j["served"] = it->second->served;
      Json from = Json::array();
      for (const auto* e : it->second->events) from.push_back(e->name);
      j["from"] = from;
      view_list.push_back(std::move(j));
      continue;
    }
    j["onCreated"] = static_cast<bool>(spec.on_created);
    j["onUpdated"] = static_cast<bool>(spec.on_updated);
    Json commands = Json::array();
    for (const auto& c : spec.commands) {
      Json command{{"field", c.field}, {"value", c.value}, {"guarded", c.guard.has_value()}};
      if (!c.access.roles.empty()) command["roles"] = c.access.roles;  // said only when limited
      if (!c.access.services_only.empty()) command["servicesOnly"] = c.access.services_only;
      commands.push_back(std::move(command));
    }
    j["commands"] = commands;
    Json raises = Json::array();
    for (const auto* e : raised_event_types())
      if (e->aggregate == spec.model->name) raises.push_back(e->name);
    j["raises"] = raises;
    aggregates.push_back(std::move(j));
  }

  Json raised = Json::array();
  for (const auto* e : raised_event_types()) raised.push_back(event_json(*e));

  // Each handled type once, with who handles it.
  std::map<std::string, std::pair<const EventInfo*, std::vector<std::string>>> handled;
  Json policies = Json::array();
  for (const auto* e : d.declared.policies) {
    handled[e->name].first = e;
    handled[e->name].second.push_back("policy");
    policies.push_back({{"on", e->name}, {"kind", "plain"}, {"steps", Json::array({"local"})}});
  }
  for (const auto& p : d.declared.step_policies) {
    handled[p.event->name].first = p.event;
    handled[p.event->name].second.push_back("policy");
    Json steps = Json::array();
    for (const auto& s : p.plan->steps) steps.push_back(s.kind == StepPlan::Kind::call ? "call" : "local");
    policies.push_back({{"on", p.event->name}, {"kind", policy_kind(*p.plan)}, {"steps", steps}});
  }
  for (const auto& v : d.declared.views)
    for (const auto* e : v.events) {
      handled[e->name].first = e;
      handled[e->name].second.push_back("view " + v.model->name);
    }
  Json handled_list = Json::array();
  for (const auto& [name, h] : handled) {
    Json j = event_json(*h.first);
    j["by"] = h.second;
    handled_list.push_back(std::move(j));
  }

  Json remotes = Json::array();
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& r : d.declared.remotes)
    if (seen.insert({r.service, r.model->name}).second) remotes.push_back(remote_json(r, *d.callers.at(r.service)));

  Json channels = Json::array();
  for (const auto& [name, c] : d.channels) channels.push_back({{"name", name}, {"kind", c->kind()}});

  return {{"service", d.name}, {"topic", d.topic}, {"aggregates", aggregates}, {"views", view_list},
          {"events", {{"raised", raised}, {"handled", handled_list}}}, {"policies", policies},
          {"remotes", remotes}, {"channels", channels}};
}

std::string Service::description() const {
  const std::string topic = config_.get("bus.topic", config_.get("system.name", "events"));  // as run() has it
  return describe({name_, topic, specs_, declared_, callers_, channels_}).dump(2);
}

}  // namespace hexa
