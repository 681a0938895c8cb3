#include "hexa/runtime/metrics.hpp"

#include <fmt/format.h>
#include <set>

namespace hexa {

void Metrics::gauge(std::string name, std::string labels, std::string help, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  samples_.push_back({std::move(name), std::move(labels), std::move(help), std::move(read)});
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  std::set<std::string> described;
  for (const auto& s : samples_) {
    if (described.insert(s.name).second) out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", s.name, s.help, s.name);
    out += s.labels.empty() ? fmt::format("{} {}\n", s.name, s.read())
                            : fmt::format("{}{{{}}} {}\n", s.name, s.labels, s.read());
  }
  return out;
}

}  // namespace hexa
