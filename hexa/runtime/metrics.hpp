#pragma once
// A service's metrics, rendered in Prometheus' text exposition format (version 0.0.4) at
// /actuator/prometheus (as Spring Boot's actuator does), for dashboards and alert rules.
// Gauges and counters given as functions are read when scraped; histograms are recorded as
// things happen (request latency, transaction latency). Samples of one family are rendered
// together, under one HELP and TYPE, whatever the order they were registered in. Names follow
// Prometheus' conventions: base units (_seconds, _bytes), counters end in _total.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace hexa {

// name="value" pairs; values are escaped when rendered.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;
using MetricSamples = std::vector<std::pair<MetricLabels, double>>;

// Counts of observations at or below each bound (cumulative when rendered, plus +Inf), their
// sum and count. Lock-free to record.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);
  struct Snapshot {
    std::vector<std::pair<double, std::uint64_t>> buckets;  // bound, cumulative count
    std::uint64_t count = 0;
    double sum = 0;
  };
  Snapshot snapshot() const;

  // Latency buckets in seconds, 1 ms to 10 s.
  static std::vector<double> latency_bounds();

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // per bound, then one for +Inf
  std::atomic<double> sum_{0};
};

class Metrics {
 public:
  void gauge(std::string name, MetricLabels labels, std::string help, std::function<double()> read);
  // A monotonic count kept elsewhere; `name` ends in _total.
  void counter(std::string name, MetricLabels labels, std::string help, std::function<double()> read);
  // A gauge whose label sets are known only when scraped (a consumer's partitions).
  void gauges(std::string name, std::string help, std::function<MetricSamples()> read);
  // The histogram of this name and labels, made on first use (later calls find the same one).
  Histogram& histogram(const std::string& name, const MetricLabels& labels, const std::string& help,
                       const std::vector<double>& bounds = Histogram::latency_bounds());
  std::string render() const;

  static std::string escape_label_value(const std::string& value);
  static std::string escape_help(const std::string& help);
  static std::string format_value(double value);

 private:
  struct Read {
    MetricLabels labels;
    std::function<double()> read;
  };
  struct Family {
    std::string type, help;
    std::vector<Read> reads;
    std::vector<std::function<MetricSamples()>> collectors;
    std::map<MetricLabels, std::unique_ptr<Histogram>> histograms;
  };
  Family& family(const std::string& name, const std::string& type, const std::string& help);  // under mutex_
  static void render_histogram(std::string& out, const std::string& name, const MetricLabels& labels,
                               const Histogram& h);

  mutable std::mutex mutex_;
  std::vector<std::string> order_;  // family names, as first registered
  std::map<std::string, Family> families_;
};

}  // namespace hexa
