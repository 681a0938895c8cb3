#pragma once
// A small diagram model written out both as Mermaid (for GitHub's renderer) and as Graphviz
// dot (for the SVG): one description, two notations, so the two cannot disagree.
#include <string>
#include <vector>

namespace hexa::docs {

// Colours of the seeds' event-storming stickers, and plain boxes for the rest.
enum class Sticker { command, aggregate, event, policy, view, service, adapter };

struct Graph {
  struct Cluster { std::string id, label; };
  struct Node { std::string id, label; Sticker sticker; std::string cluster; };  // cluster "": none
  struct Edge { std::string from, to, label; bool dotted = false; };
  std::string direction = "LR";
  std::vector<Cluster> clusters;
  std::vector<Node> nodes;
  std::vector<Edge> edges;

  void cluster(std::string id, std::string label);
  void node(std::string id, std::string label, Sticker s, std::string cluster = {});  // once per id
  void edge(std::string from, std::string to, std::string label = {}, bool dotted = false);  // once each
};

std::string mermaid(const Graph& g, const std::string& header);  // header: a %% comment line
std::string dot(const Graph& g, const std::string& header);      // header: a // comment line

// "contract.Contract" -> "contract_Contract": an id both notations accept.
std::string node_id(const std::string& text);

}  // namespace hexa::docs
