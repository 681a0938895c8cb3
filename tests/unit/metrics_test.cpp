// The Prometheus text exposition format of /actuator/prometheus: families grouped under one
// HELP and TYPE, label values escaped, histogram buckets cumulative up to +Inf with _sum and
// _count, and the process' own figures read from /proc/self.
#include "hexa/runtime/metrics.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>

#include "hexa/launcher/usage.hpp"
#include "hexa/runtime/process_metrics.hpp"

namespace hexa {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(Metrics, EscapesLabelValuesAndHelp) {
  Metrics m;
  m.gauge("hexa_test_gauge", {{"name", "a\"b\\c\nd"}}, "line one\nback\\slash", [] { return 1.5; });
  const auto text = m.render();
  EXPECT_THAT(text, HasSubstr("# HELP hexa_test_gauge line one\\nback\\\\slash\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE hexa_test_gauge gauge\n"));
  EXPECT_THAT(text, HasSubstr("hexa_test_gauge{name=\"a\\\"b\\\\c\\nd\"} 1.5\n"));
}

TEST(Metrics, GroupsAFamilysSamplesUnderOneHeaderWhateverTheOrderOfRegistration) {
  Metrics m;
  m.counter("first_total", {{"name", "a"}}, "first", [] { return 1; });
  m.gauge("second", {}, "second", [] { return 2; });
  m.counter("first_total", {{"name", "b"}}, "first", [] { return 3; });
  EXPECT_EQ(m.render(),
            "# HELP first_total first\n# TYPE first_total counter\n"
            "first_total{name=\"a\"} 1\nfirst_total{name=\"b\"} 3\n"
            "# HELP second second\n# TYPE second gauge\nsecond 2\n");
}

TEST(Metrics, RefusesOneNameWithTwoTypes) {
  Metrics m;
  m.gauge("x", {}, "x", [] { return 0; });
  EXPECT_THROW(m.counter("x", {}, "x", [] { return 0; }), std::logic_error);
}

TEST(Metrics, RendersSpecialValuesAsPrometheusSpellsThem) {
  EXPECT_EQ(Metrics::format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(Metrics::format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(Metrics::format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(Metrics::format_value(0.25), "0.25");
}

TEST(Metrics, HistogramBucketsAreCumulativeUpToInfWithSumAndCount) {
  Metrics m;
  auto& h = m.histogram("req_seconds", {{"uri", "/a"}}, "requests", {0.1, 1});
  h.observe(0.05);
  h.observe(0.1);  // on the bound: in le="0.1" (le means less or equal)
  h.observe(0.5);
  h.observe(7);  // above every bound: only in +Inf
  EXPECT_EQ(m.render(),
            "# HELP req_seconds requests\n# TYPE req_seconds histogram\n"
            "req_seconds_bucket{uri=\"/a\",le=\"0.1\"} 2\n"
            "req_seconds_bucket{uri=\"/a\",le=\"1\"} 3\n"
            "req_seconds_bucket{uri=\"/a\",le=\"+Inf\"} 4\n"
            "req_seconds_sum{uri=\"/a\"} 7.65\n"
            "req_seconds_count{uri=\"/a\"} 4\n");
}

TEST(Metrics, FindsTheSameHistogramForTheSameLabels) {
  Metrics m;
  m.histogram("h_seconds", {{"status", "200"}}, "h").observe(1);
  m.histogram("h_seconds", {{"status", "200"}}, "h").observe(2);
  m.histogram("h_seconds", {{"status", "500"}}, "h").observe(3);
  const auto text = m.render();
  EXPECT_THAT(text, HasSubstr("h_seconds_count{status=\"200\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("h_seconds_count{status=\"500\"} 1\n"));
  EXPECT_EQ(text.find("# TYPE h_seconds histogram"), text.rfind("# TYPE h_seconds histogram"));
}

TEST(Metrics, RefusesUnsortedBounds) { EXPECT_THROW(Histogram({1, 0.5}), std::invalid_argument); }

TEST(Metrics, GaugesWithLabelsKnownWhenScraped) {
  Metrics m;
  int partitions = 1;
  m.gauges("lag_events", "lag", [&partitions] {
    MetricSamples out;
    for (int p = 0; p < partitions; ++p) out.push_back({{{"partition", std::to_string(p)}}, 10.0 * p});
    return out;
  });
  EXPECT_THAT(m.render(), Not(HasSubstr("partition=\"1\"")));
  partitions = 2;
  EXPECT_THAT(m.render(), HasSubstr("lag_events{partition=\"1\"} 10\n"));
}

TEST(ProcessMetrics, ReadsStatFieldsPastACommandNameWithSpacesAndParentheses) {
  // pid (comm) state ppid ... : utime is field 14, here index 11 after the name.
  const auto fields = read_proc_stat("42 (a (b) c) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 1 0 1000 4096 7");
  ASSERT_GE(fields.size(), 22u);
  EXPECT_EQ(fields[11], 250);
  EXPECT_EQ(fields[12], 50);
  EXPECT_EQ(fields[19], 1000);
  EXPECT_EQ(fields[20], 4096);
  EXPECT_EQ(fields[21], 7);
}

TEST(ProcessMetrics, ReportsThisProcessCpuAndMemory) {
  Metrics m;
  add_process_metrics(m);
  volatile double spin = 0;
  for (int i = 0; i < 20'000'000; ++i) spin = spin + i;  // some CPU time to report
  const auto text = m.render();
  EXPECT_THAT(text, HasSubstr("# TYPE process_cpu_seconds_total counter\n"));
  const auto value_of = [&text](const std::string& name) {
    const auto at = text.find("\n" + name + " ");
    return at == std::string::npos ? -1.0 : std::stod(text.substr(at + name.size() + 2));
  };
  EXPECT_GT(value_of("process_cpu_seconds_total"), 0);
  EXPECT_GT(value_of("process_resident_memory_bytes"), 1e6);
  EXPECT_GT(value_of("process_virtual_memory_bytes"), value_of("process_resident_memory_bytes"));
  EXPECT_GT(value_of("process_open_fds"), 2);
  EXPECT_GT(value_of("process_start_time_seconds"), 1.6e9);
}

TEST(StatusUsage, SumsAFamilysSamplesFromItsOwnRendering) {
  Metrics m;
  m.gauges("hexa_consumer_lag_events", "lag", [] {
    return MetricSamples{{{{"partition", "0"}}, 3}, {{{"partition", "1"}}, 4}};
  });
  m.gauge("hexa_consumer_lag_events_other", {}, "a longer name: not counted", [] { return 100; });
  EXPECT_EQ(launcher::sum_samples(m.render(), "hexa_consumer_lag_events"), 7);
  EXPECT_EQ(launcher::sum_samples(m.render(), "absent"), std::nullopt);
}

}  // namespace
TEST(ProcessMetrics, CpuSecondsGrowWithTheWorkAProcessDoes) {
  const auto before = hexa::cpu_seconds(::getpid());
  ASSERT_TRUE(before.has_value());
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  volatile unsigned spin = 0;
  while (std::chrono::steady_clock::now() < until) spin = spin + 1;
  EXPECT_GT(*hexa::cpu_seconds(::getpid()), *before + 0.05);
  EXPECT_FALSE(hexa::cpu_seconds(0x7ffffff0).has_value());  // no such process
}

}  // namespace hexa
