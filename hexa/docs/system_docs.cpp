#include "hexa/docs/system_docs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "hexa/docs/contracts.hpp"
#include "hexa/docs/graph.hpp"
#include "hexa/docs/openapi.hpp"
#include "hexa/grpc/proto_schema.hpp"

namespace hexa::docs {
namespace {

using rest::Json;

std::string svc_of(const Json& d) { return d["service"]; }
std::string id(const std::string& a, const std::string& b = {}, const std::string& c = {}) {
  return node_id(a + (b.empty() ? "" : "_" + b) + (c.empty() ? "" : "_" + c));
}

bool allows(const Json& resource, const char* verb) {
  return std::ranges::find(resource["methods"], Json(verb)) != resource["methods"].end();
}

std::string guard_text(const Json& r) {
  std::vector<std::string> parts{fmt::format("timeout {} ms", r["timeoutMs"].get<std::int64_t>())};
  if (!r["circuitBreaker"].is_null())
    parts.push_back(fmt::format("breaker {}% of {} {}", r["circuitBreaker"]["failureRateThreshold"].get<double>(),
                                r["circuitBreaker"]["windowSize"].get<int>(),
                                r["circuitBreaker"]["windowType"] == "count" ? "calls" : "s"));
  if (r.value("concurrency", "") == "adaptive") parts.push_back("adaptive concurrency limit");
  else if (r["bulkhead"].get<int>() > 0) parts.push_back(fmt::format("bulkhead {}", r["bulkhead"].get<int>()));
  if (r["retry"]["maxAttempts"].get<int>() > 1) parts.push_back(fmt::format("{} attempts", r["retry"]["maxAttempts"].get<int>()));
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string join_names(const std::vector<std::string>& names, const char* sep = "\n") {
  return fmt::format("{}", fmt::join(names, sep));
}

// Which services publish and which subscribe to each event.
struct Flows {
  std::map<std::string, std::set<std::string>> publishers, subscribers;
  std::map<std::string, Json> event;  // name -> its description
};

Flows flows_of(const std::vector<Json>& ds) {
  Flows f;
  for (const auto& d : ds) {
    for (const auto& e : d["events"]["raised"]) {
      f.publishers[e["name"]].insert(svc_of(d));
      f.event[e["name"]] = e;
    }
    for (const auto& e : d["events"]["handled"]) {
      f.subscribers[e["name"]].insert(svc_of(d));
      if (!f.event.contains(e["name"])) f.event[e["name"]] = e;
    }
  }
  return f;
}

// Where a remote call goes in the event-storming diagram: the callee's aggregate.
std::string remote_target(const Json& r) { return id(r["service"], r["aggregate"]); }

void storm_service(Graph& g, const Json& d) {
  const std::string s = svc_of(d);
  g.cluster(id(s), s);
  std::vector<std::string> aggregates;
  auto calls = [&](const std::string& from) {
    for (const auto& r : d["remotes"]) g.edge(from, remote_target(r), "calls " + r["service"].get<std::string>());
  };
  for (const auto& a : d["aggregates"]) {
    const std::string name = a["name"], agg = id(s, name);
    aggregates.push_back(agg);
    g.node(agg, name, Sticker::aggregate, id(s));
    if (a.contains("resource")) {
      const Json& res = a["resource"];
      if (allows(res, "POST")) {
        const std::string cmd = id(s, name, "create");
        g.node(cmd, "create " + name + "\nPOST " + res["path"].get<std::string>() + (res["guarded"].get<bool>() ? "\n(guarded)" : ""),
               Sticker::command, id(s));
        g.edge(cmd, agg);
        if (res["guarded"].get<bool>()) calls(cmd);
      }
      if (allows(res, "PUT") || allows(res, "PATCH")) {
        const std::string cmd = id(s, name, "update");
        g.node(cmd, "update " + name + "\n" + (allows(res, "PUT") ? "PUT" : "PATCH") + " " + res["path"].get<std::string>() + "/{" + a["key"].get<std::string>() + "}",
               Sticker::command, id(s));
        g.edge(cmd, agg);
      }
      if (allows(res, "DELETE")) {
        const std::string cmd = id(s, name, "delete");
        g.node(cmd, "delete " + name, Sticker::command, id(s));
        g.edge(cmd, agg);
      }
    }
    for (const auto& c : a["commands"]) {
      const std::string cmd = id(s, name, c["field"].get<std::string>() + "_" + c["value"].get<std::string>());
      g.node(cmd, c["field"].get<std::string>() + " = " + c["value"].get<std::string>() + "\nPATCH" +
                      (c["guarded"].get<bool>() ? " (guarded)" : ""), Sticker::command, id(s));
      g.edge(cmd, agg);
      if (c["guarded"].get<bool>()) calls(cmd);
    }
  }
  std::set<std::string> mine;
  for (const auto& a : d["aggregates"])
    for (const auto& e : a["raises"]) {
      g.edge(id(s, a["name"]), id("event", e));
      mine.insert(e);
    }
  for (const auto& p : d["policies"]) {
    const std::string on = p["on"], pol = id(s, "when", on);
    std::vector<std::string> steps;
    for (const auto& st : p["steps"]) steps.push_back(st);
    g.node(pol, "when " + on + (p["kind"] == "plain" ? "" : "\n" + p["kind"].get<std::string>() + ": " + join_names(steps, ", ")),
           Sticker::policy, id(s));
    g.edge(id("event", on), pol);
    for (const auto& agg : aggregates) g.edge(pol, agg);
    if (std::ranges::find(p["steps"], Json("call")) != p["steps"].end()) calls(pol);
    for (const auto& e : d["events"]["raised"])  // raised here but carrying no aggregate of its own
      if (!mine.contains(e["name"])) g.edge(pol, id("event", e["name"]));
  }
  for (const auto& v : d["views"]) {
    const std::string view = id(s, v["name"]);
    g.node(view, v["name"].get<std::string>() + "\n(view by " + v["key"].get<std::string>() + ")", Sticker::view, id(s));
    for (const auto& e : v["from"]) g.edge(id("event", e), view);
  }
}

Graph event_storming(const std::vector<Json>& ds, const Flows& f) {
  Graph g;
  for (const auto& d : ds) storm_service(g, d);
  for (const auto& [name, e] : f.event) g.node(id("event", name), name + "\nby " + e["key"].get<std::string>(), Sticker::event);
  return g;
}

Graph context_map(const std::vector<Json>& ds, const Flows& f) {
  Graph g;
  for (const auto& d : ds) g.node(id(svc_of(d)), svc_of(d), Sticker::service);
  for (const auto& d : ds) {
    for (const auto& r : d["remotes"])
      g.edge(id(svc_of(d)), id(r["service"]), "REST " + r["path"].get<std::string>() + "\n" + guard_text(r));
    for (const auto& c : d["channels"]) {
      const std::string ch = id(svc_of(d), "channel", c["name"]);
      g.node(ch, "channel " + c["name"].get<std::string>() + "\n(" + c["kind"].get<std::string>() + ")", Sticker::adapter);
      g.edge(id(svc_of(d)), ch, "send");
    }
  }
  // One dotted arrow per publisher and subscriber, with every event between them.
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> pubsub;
  for (const auto& [name, pubs] : f.publishers)
    for (const auto& p : pubs)
      if (auto subs = f.subscribers.find(name); subs != f.subscribers.end())
        for (const auto& s : subs->second) pubsub[{p, s}].push_back(name);
  for (const auto& [pair, events] : pubsub) g.edge(id(pair.first), id(pair.second), join_names(events), true);
  return g;
}

Graph hexagonal(const Json& d) {
  Graph g;
  const std::string s = svc_of(d);
  g.cluster("inbound", "inbound adapters");
  g.cluster("domain", "domain: " + s);
  g.cluster("outbound", "outbound adapters");
  std::vector<std::string> rest;
  for (const char* group : {"aggregates", "views"})
    for (const auto& m : d[group]) {
      const std::string node = id("domain", m["name"]);
      g.node(node, m["name"].get<std::string>() + (std::string(group) == "views" ? "\n(view)" : ""),
             std::string(group) == "views" ? Sticker::view : Sticker::aggregate, "domain");
      if (!m.contains("resource")) continue;
      std::vector<std::string> methods;
      for (const auto& v : m["resource"]["methods"]) methods.push_back(v);
      const std::string in = id("rest", m["name"]);
      g.node(in, "REST " + m["resource"]["path"].get<std::string>() + "\n" + join_names(methods, " "), Sticker::adapter, "inbound");
      g.edge(in, node);
      const std::string rpc = id("grpc", m["name"]);  // the same calls (hexa/grpc/proto_schema.hpp)
      g.node(rpc, "gRPC " + m["name"].get<std::string>() + "Service\n(GRPC_PORT)", Sticker::adapter, "inbound");
      g.edge(rpc, node);
    }
  std::vector<std::string> handled;
  for (const auto& e : d["events"]["handled"]) handled.push_back(e["name"]);
  for (const auto& p : d["policies"]) {
    const std::string pol = id("domain", "when", p["on"]);
    g.node(pol, "when " + p["on"].get<std::string>() + (p["kind"] == "plain" ? "" : "\n(" + p["kind"].get<std::string>() + ")"),
           Sticker::policy, "domain");
  }
  if (!handled.empty()) {
    g.node("bus_in", "bus subscription\n" + join_names(handled), Sticker::adapter, "inbound");
    for (const auto& p : d["policies"]) g.edge("bus_in", id("domain", "when", p["on"]));
    for (const auto& v : d["views"]) g.edge("bus_in", id("domain", v["name"]));
  }
  g.node("store", "store\n(SQLite | PostgreSQL | MariaDB)", Sticker::adapter, "outbound");
  const std::string first = d["aggregates"].empty() ? (d["views"].empty() ? "" : id("domain", d["views"][0]["name"]))
                                                     : id("domain", d["aggregates"][0]["name"]);
  for (const char* group : {"aggregates", "views"})
    for (const auto& m : d[group]) g.edge(id("domain", m["name"]), "store");
  std::vector<std::string> raised;
  for (const auto& e : d["events"]["raised"]) raised.push_back(e["name"]);
  if (!raised.empty()) {
    g.node("bus_out", "outbox -> bus\n" + join_names(raised), Sticker::adapter, "outbound");
    for (const auto& a : d["aggregates"])
      if (!a["raises"].empty()) g.edge(id("domain", a["name"]), "bus_out");
  }
  for (const auto& r : d["remotes"]) {
    const std::string out = id("remote", r["service"]);
    g.node(out, "remote " + r["service"].get<std::string>() + " " + r["path"].get<std::string>() + "\n" + guard_text(r),
           Sticker::adapter, "outbound");
    if (!first.empty()) g.edge(first, out);
  }
  for (const auto& c : d["channels"]) {
    const std::string out = id("channel", c["name"]);
    g.node(out, "channel " + c["name"].get<std::string>() + " (" + c["kind"].get<std::string>() + ")", Sticker::adapter, "outbound");
    for (const auto& p : d["policies"]) g.edge(id("domain", "when", p["on"]), out);
  }
  return g;
}

Json payload_schema(const Json& e) {
  Json props = Json::object();
  for (const auto& f : e["fields"]) {
    const std::string kind = f["kind"];
    Json t = kind == "integer" ? Json{{"type", "integer"}, {"format", "int64"}}
             : kind == "number" || kind == "decimal" ? Json{{"type", "number"}}
             : kind == "boolean" ? Json{{"type", "boolean"}}
             : kind == "timestamp" ? Json{{"type", "string"}, {"format", "date-time"}}
                                   : Json{{"type", "string"}};
    props[f["name"].get<std::string>()] = t;
  }
  return {{"type", "object"}, {"properties", props}, {"required", {e["key"]}}};
}

std::string index_md(const std::string& system, const std::vector<Json>& ds) {
  std::string out = fmt::format(
      "# {0}: the design, generated from the code\n\n"
      "Written by `build/bin/hexa describe {0}` from each service's `--describe`; do not edit "
      "(tests/deploy/test_describe_docs.py fails when these are stale).\n\n"
      "- Event storming: [event-storming.svg](event-storming.svg) ([Mermaid](event-storming.mmd))\n"
      "- Context map: [context-map.svg](context-map.svg) ([Mermaid](context-map.mmd))\n"
      "- Events (AsyncAPI 3.0): [asyncapi.json](asyncapi.json)\n",
      system);
  for (const auto& [file, text] : contracts(ds)) out += fmt::format("- Contract: [{0}]({0})\n", file);
  for (const auto& d : ds) {
    const std::string s = svc_of(d);
    out += fmt::format("- {0}: hexagonal view [hexagonal-{0}.svg](hexagonal-{0}.svg) ([Mermaid](hexagonal-{0}.mmd)), "
                       "OpenAPI 3.1 [{0}.openapi.json]({0}.openapi.json), gRPC [{0}.proto]({0}.proto), "
                       "description [{0}.describe.json]({0}.describe.json)\n",
                       s);
  }
  return out;
}

}  // namespace

Json asyncapi(const std::string& system, const std::vector<Json>& ds) {
  const Flows f = flows_of(ds);
  std::string topic = system;
  for (const auto& d : ds)
    if (d.contains("topic")) topic = d["topic"];
  Json messages = Json::object(), channel_messages = Json::object(), operations = Json::object();
  for (const auto& [name, e] : f.event) {
    Json m{{"name", name},
           {"title", name},
           {"contentType", "application/json"},
           {"payload", payload_schema(e)},
           {"correlationId", {{"description", "the correlation key: events of one case are ordered by it"},
                              {"location", "$message.payload#/" + e["key"].get<std::string>()}}}};
    if (!e["aggregate"].get<std::string>().empty()) m["summary"] = "carries the fields of " + e["aggregate"].get<std::string>();
    messages[name] = m;
    channel_messages[name] = {{"$ref", "#/components/messages/" + name}};
  }
  const Json channel_ref{{"$ref", "#/channels/" + node_id(topic)}};
  for (const auto& [name, pubs] : f.publishers)
    for (const auto& p : pubs)
      operations[p + "-sends-" + name] = {{"action", "send"}, {"channel", channel_ref},
                                          {"summary", p + " publishes " + name},
                                          {"messages", {{{"$ref", "#/channels/" + node_id(topic) + "/messages/" + name}}}}};
  for (const auto& [name, subs] : f.subscribers)
    for (const auto& s : subs)
      operations[s + "-receives-" + name] = {{"action", "receive"}, {"channel", channel_ref},
                                             {"summary", s + " subscribes to " + name},
                                             {"messages", {{{"$ref", "#/channels/" + node_id(topic) + "/messages/" + name}}}}};
  return {{"asyncapi", "3.0.0"},
          {"info", {{"title", system + " events"}, {"version", "1"},
                    {"description", "Generated by hexa from the services' declarations: each event, its payload, "
                                    "its correlation key, who publishes and who subscribes."}}},
          {"defaultContentType", "application/json"},
          {"channels", {{node_id(topic), {{"address", topic}, {"title", "the system's event topic"},
                                          {"messages", channel_messages}}}}},
          {"operations", operations},
          {"components", {{"messages", messages}}}};
}

Files system_docs(const std::string& system, const std::vector<Json>& ds) {
  const Flows f = flows_of(ds);
  const std::string made = "Generated by `hexa describe " + system + "` from the services' declarations: do not edit.";
  Files out;
  const Graph storm = event_storming(ds, f), map = context_map(ds, f);
  out["event-storming.mmd"] = mermaid(storm, made);
  out["event-storming.dot"] = dot(storm, made);
  out["context-map.mmd"] = mermaid(map, made);
  out["context-map.dot"] = dot(map, made);
  for (const auto& d : ds) {
    const std::string s = svc_of(d);
    const Graph hex = hexagonal(d);
    out["hexagonal-" + s + ".mmd"] = mermaid(hex, made);
    out["hexagonal-" + s + ".dot"] = dot(hex, made);
    out[s + ".describe.json"] = d.dump(2) + "\n";
    out[s + ".openapi.json"] = openapi(d).dump(2) + "\n";
    if (const grpc::ProtoSchema schema(d, grpc::package_of(d)); !schema.empty()) out[s + ".proto"] = schema.proto_text();
  }
  out["asyncapi.json"] = asyncapi(system, ds).dump(2) + "\n";
  out["index.md"] = index_md(system, ds);
  out.merge(contracts(ds));
  return out;
}

}  // namespace hexa::docs
