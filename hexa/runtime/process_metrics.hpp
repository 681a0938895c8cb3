#pragma once
// The process' own resources, read from /proc/self when scraped, under the names every
// Prometheus client uses: process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_open_fds, process_start_time_seconds.
#include <optional>
#include <string>
#include <vector>

#include "hexa/runtime/metrics.hpp"

namespace hexa {

void add_process_metrics(Metrics& metrics);

// Fields of /proc/self/stat after the command name, as numbers (utime is [11], stime [12],
// starttime [19], vsize [20], rss in pages [21]); empty when unreadable.
std::vector<double> read_proc_stat(const std::string& stat_text);

// CPU seconds (user + system) process `pid` has used so far; nullopt when it is gone. The one
// reader of a process' CPU: its own metric, `hexa status` and the launcher's autoscaler.
std::optional<double> cpu_seconds(int pid);

}  // namespace hexa
