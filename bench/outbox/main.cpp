// Outbox and bus benchmark:
//   outbox_bench throughput <dir> [seconds=3] [threads=1]
//   outbox_bench latency <dir> [events=3000] [rate/s=1000] [--via-outbox]
//   outbox_bench publish <dir> [events=100000] [batch=500]
//   outbox_bench consume <dir> <events>        (the second process of `latency`)
// <dir> should be new and empty; bench/outbox/run runs each 3 times and prints medians.
#include <iostream>
#include <string>

#include "bench/outbox/bench.hpp"

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  auto arg = [&](int i, int fallback) { return argc > i ? std::stoi(argv[i]) : fallback; };
  try {
    if (mode == "throughput" && argc > 2) return hexa::bench::throughput(argv[2], arg(3, 3), arg(4, 1));
    if (mode == "latency" && argc > 2) {
      const bool via_outbox = argc > 5 && std::string(argv[5]) == "--via-outbox";
      return hexa::bench::latency(argv[2], arg(3, 3000), arg(4, 1000), via_outbox);
    }
    if (mode == "publish" && argc > 2) return hexa::bench::publish(argv[2], arg(3, 100'000), arg(4, 500));
    if (mode == "consume" && argc > 3) return hexa::bench::consume(argv[2], arg(3, 0));
  } catch (const std::exception& e) {
    std::cerr << "outbox_bench: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: outbox_bench throughput <dir> [seconds] [threads]\n"
               "       outbox_bench latency <dir> [events] [rate] [--via-outbox]\n"
               "       outbox_bench publish <dir> [events] [batch]\n";
  return 2;
}
