#include "hexa/runtime/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace hexa {
namespace {

std::string format_labels(const MetricLabels& labels, const std::string& extra_name = {},
                          const std::string& extra_value = {}) {
  std::string out;
  auto add = [&out](const std::string& k, const std::string& v) {
    out += (out.empty() ? "{" : ",") + k + "=\"" + Metrics::escape_label_value(v) + "\"";
  };
  for (const auto& [k, v] : labels) add(k, v);
  if (!extra_name.empty()) add(extra_name, extra_value);
  return out.empty() ? out : out + "}";
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  if (!std::is_sorted(bounds_.begin(), bounds_.end())) throw std::invalid_argument("histogram bounds must be sorted");
}

void Histogram::observe(double value) {
  const auto i = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  counts_[i].fetch_add(1, std::memory_order_relaxed);  // i == size(): only +Inf holds it
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    s.buckets.emplace_back(bounds_[i], running);
  }
  s.count = running + counts_[bounds_.size()].load(std::memory_order_relaxed);
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

std::vector<double> Histogram::latency_bounds() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Metrics::Family& Metrics::family(const std::string& name, const std::string& type, const std::string& help) {
  auto [it, made] = families_.try_emplace(name);
  if (made) {
    order_.push_back(name);
    it->second.type = type;
    it->second.help = help;
  } else if (it->second.type != type) {
    throw std::logic_error("metric " + name + " registered as " + it->second.type + " and " + type);
  }
  return it->second;
}

void Metrics::gauge(std::string name, MetricLabels labels, std::string help, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  family(name, "gauge", help).reads.push_back({std::move(labels), std::move(read)});
}

void Metrics::counter(std::string name, MetricLabels labels, std::string help, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  family(name, "counter", help).reads.push_back({std::move(labels), std::move(read)});
}

void Metrics::gauges(std::string name, std::string help, std::function<MetricSamples()> read) {
  std::lock_guard lock(mutex_);
  family(name, "gauge", help).collectors.push_back(std::move(read));
}

Histogram& Metrics::histogram(const std::string& name, const MetricLabels& labels, const std::string& help,
                              const std::vector<double>& bounds) {
  std::lock_guard lock(mutex_);
  auto& h = family(name, "histogram", help).histograms[labels];
  if (!h) h = std::make_unique<Histogram>(bounds);
  return *h;
}

std::string Metrics::escape_label_value(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string Metrics::escape_help(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string Metrics::format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

void Metrics::render_histogram(std::string& out, const std::string& name, const MetricLabels& labels,
                               const Histogram& h) {
  const auto s = h.snapshot();
  for (const auto& [bound, count] : s.buckets)
    out += fmt::format("{}_bucket{} {}\n", name, format_labels(labels, "le", format_value(bound)), count);
  out += fmt::format("{}_bucket{} {}\n", name, format_labels(labels, "le", "+Inf"), s.count);
  out += fmt::format("{}_sum{} {}\n", name, format_labels(labels), format_value(s.sum));
  out += fmt::format("{}_count{} {}\n", name, format_labels(labels), s.count);
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& name : order_) {
    const auto& f = families_.at(name);
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, escape_help(f.help), name, f.type);
    for (const auto& r : f.reads)
      out += fmt::format("{}{} {}\n", name, format_labels(r.labels), format_value(r.read()));
    for (const auto& collect : f.collectors)
      for (const auto& [labels, value] : collect())
        out += fmt::format("{}{} {}\n", name, format_labels(labels), format_value(value));
    for (const auto& [labels, h] : f.histograms) render_histogram(out, name, labels, *h);
  }
  return out;
}

}  // namespace hexa
