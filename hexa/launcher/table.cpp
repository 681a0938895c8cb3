#include "hexa/launcher/table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace hexa::launcher {
namespace {

using Row = std::vector<std::string>;

Row row_of(const nlohmann::json& i, const std::map<std::string, Usage>* usage) {
  const auto pid = i.value("pid", 0);
  Row row{i.value("service", ""), i.value("instance", ""), std::to_string(i.value("port", 0)),
          pid == 0 ? "-" : std::to_string(pid), i.value("url", ""), i.value("state", ""),
          std::to_string(i.value("restarts", 0))};
  if (!usage) return row;
  const auto it = usage->find(i.value("instance", ""));
  const Usage u = it == usage->end() ? Usage{} : it->second;
  row.push_back(u.cpu_percent ? fmt::format("{:.1f}%", *u.cpu_percent) : "-");
  row.push_back(u.lag ? fmt::format("{:.0f}", *u.lag) : "-");
  return row;
}

std::string render_rows(const std::vector<Row>& rows) {
  std::vector<std::size_t> width(rows.front().size());
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      out += c + 1 < row.size() ? fmt::format("{:<{}}  ", row[c], width[c]) : row[c];
    }
    out += '\n';
  }
  return out;
}

}  // namespace

std::string render_table(const nlohmann::json& state, const std::map<std::string, Usage>* usage) {
  std::vector<Row> rows{{"SERVICE", "INSTANCE", "PORT", "PID", "URL", "STATE", "RESTARTS"}};
  if (usage) rows[0].insert(rows[0].end(), {"CPU", "LAG"});
  for (const auto& i : state.value("instances", nlohmann::json::array())) rows.push_back(row_of(i, usage));
  const auto& gateway = state.contains("gateway") ? state["gateway"] : nlohmann::json();
  if (gateway.is_object()) rows.push_back(row_of(gateway, usage));
  std::string out = render_rows(rows);
  if (gateway.is_object()) {
    out += fmt::format("\ngateway: {} ({})\n", gateway.value("url", ""), gateway.value("state", ""));
  }
  return out;
}

}  // namespace hexa::launcher
