#include "hexa/docs/graph.hpp"

#include <algorithm>

namespace hexa::docs {
namespace {

struct Colour { const char* fill; const char* stroke; const char* shape; };

Colour colour(Sticker s) {
  switch (s) {
    case Sticker::command: return {"#9ecbff", "#2f6db5", "note"};
    case Sticker::aggregate: return {"#fff176", "#b8a200", "note"};
    case Sticker::event: return {"#ffb74d", "#d35400", "note"};
    case Sticker::policy: return {"#d7b4f3", "#7b3fa0", "note"};
    case Sticker::view: return {"#a5d6a7", "#2e7d32", "note"};
    case Sticker::service: return {"#eceff1", "#455a64", "box"};
    case Sticker::adapter: return {"#ffffff", "#757575", "box"};
  }
  return {"#ffffff", "#000000", "box"};
}

const char* class_name(Sticker s) {
  switch (s) {
    case Sticker::command: return "command";
    case Sticker::aggregate: return "aggregate";
    case Sticker::event: return "event";
    case Sticker::policy: return "policy";
    case Sticker::view: return "view";
    case Sticker::service: return "service";
    case Sticker::adapter: return "adapter";
  }
  return "adapter";
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

std::string mermaid_text(const std::string& s) {
  return replace_all(replace_all(s, "\"", "#quot;"), "\n", "<br/>");
}
std::string dot_text(const std::string& s) {
  return replace_all(replace_all(replace_all(s, "\\", "\\\\"), "\"", "\\\""), "\n", "\\n");
}

}  // namespace

void Graph::cluster(std::string id, std::string label) {
  if (std::ranges::none_of(clusters, [&](const Cluster& c) { return c.id == id; }))
    clusters.push_back({std::move(id), std::move(label)});
}

void Graph::node(std::string id, std::string label, Sticker s, std::string in) {
  if (std::ranges::none_of(nodes, [&](const Node& n) { return n.id == id; }))
    nodes.push_back({std::move(id), std::move(label), s, std::move(in)});
}

void Graph::edge(std::string from, std::string to, std::string label, bool dotted) {
  if (std::ranges::none_of(edges, [&](const Edge& e) { return e.from == from && e.to == to && e.label == label; }))
    edges.push_back({std::move(from), std::move(to), std::move(label), dotted});
}

std::string node_id(const std::string& text) {
  std::string id;
  for (char c : text) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return id;
}

std::string mermaid(const Graph& g, const std::string& header) {
  std::string out = "%% " + header + "\nflowchart " + g.direction + "\n";
  for (auto s : {Sticker::command, Sticker::aggregate, Sticker::event, Sticker::policy, Sticker::view,
                 Sticker::service, Sticker::adapter}) {
    const Colour c = colour(s);
    out += std::string("  classDef ") + class_name(s) + " fill:" + c.fill + ",stroke:" + c.stroke + ",color:#000\n";
  }
  auto write_node = [&out](const Graph::Node& n, const char* indent) {
    out += std::string(indent) + n.id + "[\"" + mermaid_text(n.label) + "\"]:::" + class_name(n.sticker) + "\n";
  };
  for (const auto& c : g.clusters) {
    out += "  subgraph " + c.id + " [\"" + mermaid_text(c.label) + "\"]\n";
    for (const auto& n : g.nodes)
      if (n.cluster == c.id) write_node(n, "    ");
    out += "  end\n";
  }
  for (const auto& n : g.nodes)
    if (n.cluster.empty()) write_node(n, "  ");
  for (const auto& e : g.edges) {
    const std::string arrow = e.dotted ? "-.->" : "-->";
    const std::string label = e.label.empty() ? "" : "|\"" + mermaid_text(e.label) + "\"|";
    out += "  " + e.from + " " + arrow + label + " " + e.to + "\n";
  }
  return out;
}

std::string dot(const Graph& g, const std::string& header) {
  std::string out = "// " + header + "\ndigraph G {\n  rankdir=" + g.direction +
                    ";\n  graph [fontname=\"Helvetica\", fontsize=12];\n  node [fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=9];\n";
  auto write_node = [&out](const Graph::Node& n, const char* indent) {
    const Colour c = colour(n.sticker);
    out += std::string(indent) + n.id + " [label=\"" + dot_text(n.label) + "\", shape=" + c.shape +
           ", style=filled, fillcolor=\"" + c.fill + "\", color=\"" + c.stroke + "\"];\n";
  };
  for (const auto& c : g.clusters) {
    out += "  subgraph cluster_" + c.id + " {\n    label=\"" + dot_text(c.label) + "\";\n    style=rounded;\n";
    for (const auto& n : g.nodes)
      if (n.cluster == c.id) write_node(n, "    ");
    out += "  }\n";
  }
  for (const auto& n : g.nodes)
    if (n.cluster.empty()) write_node(n, "  ");
  for (const auto& e : g.edges) {
    out += "  " + e.from + " -> " + e.to + " [";
    if (!e.label.empty()) out += "label=\"" + dot_text(e.label) + "\"";
    if (e.dotted) out += std::string(e.label.empty() ? "" : ", ") + "style=dotted";
    out += "];\n";
  }
  return out + "}\n";
}

}  // namespace hexa::docs
