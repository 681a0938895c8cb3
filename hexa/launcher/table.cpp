#include "hexa/launcher/table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <vector>

namespace hexa::launcher {
namespace {

using Row = std::array<std::string, 7>;

Row row_of(const nlohmann::json& i) {
  const auto pid = i.value("pid", 0);
  return {i.value("service", ""), i.value("instance", ""), std::to_string(i.value("port", 0)),
          pid == 0 ? "-" : std::to_string(pid), i.value("url", ""), i.value("state", ""),
          std::to_string(i.value("restarts", 0))};
}

std::string render_rows(const std::vector<Row>& rows) {
  std::array<std::size_t, 7> width{};
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

std::string render_table(const nlohmann::json& state) {
  std::vector<Row> rows{{"SERVICE", "INSTANCE", "PORT", "PID", "URL", "STATE", "RESTARTS"}};
  for (const auto& i : state.value("instances", nlohmann::json::array())) rows.push_back(row_of(i));
  const auto& gateway = state.contains("gateway") ? state["gateway"] : nlohmann::json();
  if (gateway.is_object()) rows.push_back(row_of(gateway));
  std::string out = render_rows(rows);
  if (gateway.is_object()) {
    out += fmt::format("\ngateway: {} ({})\n", gateway.value("url", ""), gateway.value("state", ""));
  }
  return out;
}

}  // namespace hexa::launcher
