#pragma once
// A service's metrics, rendered in Prometheus' text format at /actuator/prometheus (as Spring
// Boot's actuator does), for dashboards and alert rules. Values are read when scraped.
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace hexa {

class Metrics {
 public:
  // `labels` as in Prometheus: name="pay",state="open"
  void gauge(std::string name, std::string labels, std::string help, std::function<double()> read);
  std::string render() const;

 private:
  struct Sample {
    std::string name, labels, help;
    std::function<double()> read;
  };
  mutable std::mutex mutex_;
  std::vector<Sample> samples_;
};

}  // namespace hexa
