#include "hexa/runtime/process_metrics.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace hexa {
namespace {

std::string slurp(const char* path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Field i of /proc/self/stat after the command name; 0 when unreadable.
double stat_field(std::size_t i) {
  const auto fields = read_proc_stat(slurp("/proc/self/stat"));
  return i < fields.size() ? fields[i] : 0;
}

double boot_time_s() {
  std::istringstream in(slurp("/proc/stat"));
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double t = 0;
      in >> t;
      return t;
    }
  }
  return 0;
}

}  // namespace

std::vector<double> read_proc_stat(const std::string& stat_text) {
  // The command name is in parentheses and may hold spaces: fields start after the last ')'.
  const auto close = stat_text.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream in(stat_text.substr(close + 1));
  std::vector<double> fields;
  std::string field;
  while (in >> field) {
    try {
      fields.push_back(std::stod(field));
    } catch (const std::exception&) {
      fields.push_back(0);  // the state letter
    }
  }
  return fields;
}

std::optional<double> cpu_seconds(int pid) {
  if (pid <= 0) return std::nullopt;
  const auto fields = read_proc_stat(slurp(("/proc/" + std::to_string(pid) + "/stat").c_str()));
  if (fields.size() < 13) return std::nullopt;
  return (fields[11] + fields[12]) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

void add_process_metrics(Metrics& metrics) {
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  metrics.counter("process_cpu_seconds_total", {}, "user and system CPU time spent, in seconds",
                  [] { return cpu_seconds(::getpid()).value_or(0); });
  metrics.gauge("process_resident_memory_bytes", {}, "resident memory size, in bytes",
                [page] { return stat_field(21) * page; });
  metrics.gauge("process_virtual_memory_bytes", {}, "virtual memory size, in bytes", [] { return stat_field(20); });
  metrics.gauge("process_start_time_seconds", {}, "start time of the process since the epoch, in seconds",
                [ticks, boot = boot_time_s()] { return boot + stat_field(19) / ticks; });
  metrics.gauge("process_open_fds", {}, "open file descriptors", [] {
    std::error_code ignored;
    const auto it = std::filesystem::directory_iterator("/proc/self/fd", ignored);
    return static_cast<double>(std::distance(std::filesystem::begin(it), std::filesystem::end(it)));
  });
}

}  // namespace hexa
