// `hexa up --profile kafka`: which bus URL every instance gets, and from where.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "hexa/launcher/kafka_profile.hpp"
#include "hexa/launcher/plan.hpp"
#include "hexa/launcher/system_spec.hpp"

namespace {

namespace fs = std::filesystem;
using hexa::launcher::kafka_profile;

// A throw-away systems folder holding one system "shop".
class KafkaProfile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hexa-kafka-profile-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "shop");
    ::unsetenv("KAFKA_BOOTSTRAP");  // the cases say where the cluster is
  }
  void TearDown() override { fs::remove_all(dir_); }

  hexa::launcher::SystemSpec system(const std::string& profiles_yaml = "") {
    std::ofstream(dir_ / "shop" / "system.yaml")
        << "services:\n  order: {port: 18081}\n  delivery: {port: 18082}\n" << profiles_yaml;
    return hexa::launcher::load_system(dir_, "shop");
  }
  hexa::launcher::Plan plan(const hexa::launcher::SystemSpec& spec, std::vector<std::string> env = {}) {
    hexa::launcher::UpOptions options{"shop", "kafka", std::move(env), {}, dir_ / "data", true};
    return hexa::launcher::make_plan(spec, options, dir_ / "bin", dir_ / "data");
  }

  fs::path dir_;
};

TEST_F(KafkaProfile, OnlyWhenTheProfilesNameIt) {
  const auto spec = system();
  EXPECT_FALSE(kafka_profile(spec, "", nullptr));
  EXPECT_FALSE(kafka_profile(spec, "postgres", nullptr));
  ASSERT_TRUE(kafka_profile(spec, "postgres,kafka", nullptr));
}

TEST_F(KafkaProfile, DefaultsToTheLocalDevBroker) {
  const auto profile = kafka_profile(system(), "kafka", nullptr);
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->bus_url(), "kafka://127.0.0.1:9092?partitions=8");
}

TEST_F(KafkaProfile, SystemYamlThenTheEnvironmentChooseTheCluster) {
  const auto spec = system("profiles:\n  kafka: {bootstrap: 'k1:9092,k2:9092', partitions: 12}\n");
  EXPECT_EQ(kafka_profile(spec, "kafka", nullptr)->bus_url(), "kafka://k1:9092,k2:9092?partitions=12");
  EXPECT_EQ(kafka_profile(spec, "kafka", "k9:9093")->bus_url(), "kafka://k9:9093?partitions=12");
}

TEST_F(KafkaProfile, EveryInstanceGetsTheKafkaBusUnlessBusUrlWasGivenExplicitly) {
  // A remote cluster: nothing is started, the plan alone changes.
  const auto spec = system("profiles:\n  kafka: {bootstrap: 'kafka.invalid:9092'}\n");
  auto p = plan(spec);
  hexa::launcher::use_kafka_profile(p, spec, "kafka");
  ASSERT_EQ(p.instances.size(), 2u);
  for (const auto& i : p.instances)
    EXPECT_EQ(i.env.at("BUS_URL"), "kafka://kafka.invalid:9092?partitions=8") << i.instance;

  auto own = plan(spec, {"delivery:BUS_URL=log:/elsewhere"});
  hexa::launcher::use_kafka_profile(own, spec, "kafka");
  EXPECT_EQ(own.instances.at(0).env.at("BUS_URL"), "kafka://kafka.invalid:9092?partitions=8");
  EXPECT_EQ(own.instances.at(1).env.at("BUS_URL"), "log:/elsewhere");
}

TEST_F(KafkaProfile, AMalformedSectionIsReportedWithTheFile) {
  const auto spec = system("profiles:\n  kafka: {partitions: many}\n");
  EXPECT_THROW(kafka_profile(spec, "kafka", nullptr), std::runtime_error);
}

}  // namespace
