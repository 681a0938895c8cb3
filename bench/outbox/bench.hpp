#pragma once
// The outbox benchmark's modes (see main.cpp). Each prints "name=value" lines on stdout.
#include <filesystem>

namespace hexa::bench {

// Committed (row + outbox event) transactions per second with the relay running.
int throughput(const std::filesystem::path& dir, int seconds, int threads);
// Raw bus appends per second, `batch` events per publish() (one transaction each).
int publish(const std::filesystem::path& dir, int events, int batch);
// Publish-to-handle latency across two processes; starts `consume` as the second one.
int latency(const std::filesystem::path& dir, int events, int rate, bool via_outbox);
int consume(const std::filesystem::path& dir, int events);

}  // namespace hexa::bench
