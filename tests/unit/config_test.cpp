// Config: defaults, profile sections, relaxed environment names, and clear errors.
#include "hexa/config/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

#include <unistd.h>

namespace {

using hexa::Config;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

// An environment the test controls, so nothing depends on the machine's variables.
Config::Env env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    if (const auto it = vars.find(name); it != vars.end()) return it->second;
    return std::nullopt;
  };
}
const Config::Env no_env = env_of({});

constexpr const char* kYaml = R"(
server:
  port: 8081
services:
  pay: {url: "http://127.0.0.1:8082"}
  contract: {url: "http://127.0.0.1:8081"}
fault:
  delay-ms: 0
routes:
  - id: pay
    paths: [/pays/**, /payments/**]
store: "sqlite:data.db"
profiles:
  docker:
    server: {port: 8080}
    store: "postgresql://db/app"
  slow:
    fault: {delay-ms: 250}
    store: "sqlite:slow.db"
)";

TEST(Config, TopLevelHoldsTheDefaults) {
  const auto c = Config::from_string(kYaml, {"default"}, no_env);
  EXPECT_EQ(c.get_int("server.port", 0), 8081);
  EXPECT_EQ(c.get("services.pay.url", ""), "http://127.0.0.1:8082");
  EXPECT_EQ(c.get("store", ""), "sqlite:data.db");
  EXPECT_EQ(c.get("missing.key", "fallback"), "fallback");
  EXPECT_EQ(c.get_int("missing.key", 7), 7);
  EXPECT_FALSE(c.find("profiles.docker.store")) << "profile sections are not defaults";
}

TEST(Config, SequencesReadByIndexAndAsACommaJoinedValue) {
  const auto c = Config::from_string(kYaml, {"default"}, no_env);
  EXPECT_EQ(c.get("routes.0.id", ""), "pay");
  EXPECT_EQ(c.get("routes.0.paths.1", ""), "/payments/**");
  EXPECT_EQ(c.get("routes.0.paths", ""), "/pays/**,/payments/**");
}

TEST(Config, ProfilesOverrideTheDefaultsInTheOrderGiven) {
  const auto docker = Config::from_string(kYaml, {"default", "docker"}, no_env);
  EXPECT_EQ(docker.get_int("server.port", 0), 8080);
  EXPECT_EQ(docker.get("store", ""), "postgresql://db/app");
  EXPECT_EQ(docker.get_int("fault.delay-ms", -1), 0) << "untouched keys keep their default";

  const auto docker_then_slow = Config::from_string(kYaml, {"default", "docker", "slow"}, no_env);
  EXPECT_EQ(docker_then_slow.get("store", ""), "sqlite:slow.db");
  EXPECT_EQ(docker_then_slow.get_int("fault.delay-ms", 0), 250);
  EXPECT_EQ(docker_then_slow.get_int("server.port", 0), 8080);

  const auto slow_then_docker = Config::from_string(kYaml, {"default", "slow", "docker"}, no_env);
  EXPECT_EQ(slow_then_docker.get("store", ""), "postgresql://db/app");
  EXPECT_TRUE(slow_then_docker.has_profile("slow"));
  EXPECT_FALSE(slow_then_docker.has_profile("prod"));
}

TEST(Config, AProfileListReplacesTheDefaultList) {
  const auto c = Config::from_string(R"(
paths: [a, b, c]
profiles:
  short: {paths: [x]}
)", {"default", "short"}, no_env);
  EXPECT_EQ(c.get("paths", ""), "x");
  EXPECT_FALSE(c.find("paths.1"));
}

TEST(Config, EnvironmentOverridesWithRelaxedNames) {
  const auto c = Config::from_string(
      kYaml, {"default", "docker"},
      env_of({{"SERVER_PORT", "9000"}, {"SERVICES_PAY_URL", "http://10.0.0.1:1,http://10.0.0.2:2"},
              {"FAULT_DELAY_MS", "40"}, {"EXTRA_FLAG", "yes"}}));
  EXPECT_EQ(c.get_int("server.port", 0), 9000) << "env beats both defaults and profiles";
  EXPECT_EQ(c.get("services.pay.url", ""), "http://10.0.0.1:1,http://10.0.0.2:2");
  EXPECT_EQ(c.get_int("fault.delay-ms", 0), 40);
  EXPECT_TRUE(c.get_bool("extra.flag", false)) << "keys absent from the file come from env";
}

TEST(Config, EnvironmentIsConsultedAtLookupTime) {
  auto vars = std::make_shared<std::map<std::string, std::string>>();
  const auto c = Config::from_string(kYaml, {"default"}, [vars](const std::string& name) {
    const auto it = vars->find(name);
    return it == vars->end() ? std::nullopt : std::optional<std::string>(it->second);
  });
  EXPECT_EQ(c.get_int("server.port", 0), 8081);
  (*vars)["SERVER_PORT"] = "8099";
  EXPECT_EQ(c.get_int("server.port", 0), 8099);
}

TEST(Config, EnvNameIsUpperCaseWithUnderscores) {
  EXPECT_EQ(Config::env_name("server.port"), "SERVER_PORT");
  EXPECT_EQ(Config::env_name("services.pay.url"), "SERVICES_PAY_URL");
  EXPECT_EQ(Config::env_name("fault.delay-ms"), "FAULT_DELAY_MS");
}

TEST(Config, ChildrenListsTheNextSegmentsOnce) {
  const auto c = Config::from_string(kYaml, {"default"}, no_env);
  EXPECT_THAT(c.children("services"), UnorderedElementsAre("pay", "contract"));
  EXPECT_THAT(c.children("routes"), ElementsAre("0"));
  EXPECT_THAT(c.children(""), UnorderedElementsAre("server", "services", "fault", "routes", "store"));
  EXPECT_TRUE(c.children("nothing").empty());
}

TEST(Config, ParseProfilesPutsDefaultFirstWithoutDuplicates) {
  EXPECT_THAT(Config::parse_profiles("a, b,c"), ElementsAre("default", "a", "b", "c"));
  EXPECT_THAT(Config::parse_profiles(" docker  slow "), ElementsAre("default", "docker", "slow"));
  EXPECT_THAT(Config::parse_profiles("b,default,b,,a"), ElementsAre("default", "b", "a"));
  EXPECT_THAT(Config::parse_profiles(""), ElementsAre("default"));
}

TEST(Config, GetIntOnTextThrowsNamingKeyAndValue) {
  const auto c = Config::from_string("server: {port: eighty}\nratio: 0.5\n", {"default"}, no_env);
  try {
    (void)c.get_int("server.port", 0);
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("server.port"));
    EXPECT_THAT(e.what(), HasSubstr("eighty"));
  }
  EXPECT_THROW((void)c.get_int("ratio", 0), std::runtime_error);
  EXPECT_DOUBLE_EQ(c.get_double("ratio", 0), 0.5);
}

TEST(Config, MalformedYamlNamesFileAndLine) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("hexa-config-test-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path) << "server:\n  port: 8081\n bad: 2\n";  // line 3 breaks the indentation
  try {
    (void)Config::load(path.string(), {"default"}, no_env);
    std::filesystem::remove(path);
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    std::filesystem::remove(path);
    EXPECT_THAT(e.what(), HasSubstr(path.string() + ":3:"));
  }
}

TEST(Config, MissingFileIsAClearError) {
  EXPECT_THROW((void)Config::load("/nonexistent/application.yaml", {"default"}, no_env),
               std::runtime_error);
}

TEST(Config, LoadReadsAFile) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("hexa-config-load-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path) << kYaml;
  const auto c = Config::load(path.string(), {"default", "docker"}, no_env);
  std::filesystem::remove(path);
  EXPECT_EQ(c.get_int("server.port", 0), 8080);
}


// Checked configuration: a key nobody reads is a typo, named at start-up.
namespace checked {

constexpr const char* kService = R"(
server:
  port: 8081
  wokers: 32
clients:
  pay:
    timeout-ms: 610
    circuit-breaker: {enabled: false, window-size: 20}
profiles:
  kafka:
    bus: {ulr: "kafka://127.0.0.1:9092"}
  other:
    anything: 1
)";

// What a service and the framework would look up at start-up.
void start_up_reads(const Config& c) {
  c.get_int("server.port", 8080);
  c.get_int("server.workers", 64);
  c.get_int("clients.pay.timeout-ms", 1000);
  c.get_bool("clients.pay.circuit-breaker.enabled", true);
  c.get("bus.url", "log:");
}

TEST(ConfigCheck, NamesEveryKeyNobodyReadAsSpeltWithTheKeyItMeant) {
  const Config c = Config::from_string(kService, {"default", "kafka"}, no_env);
  start_up_reads(c);
  EXPECT_THAT(c.unknown_keys(), UnorderedElementsAre("server.wokers", "clients.pay.circuit-breaker.window-size",
                                                     "profiles.kafka.bus.ulr"));
  try {
    c.check_known();
    FAIL() << "unknown keys must stop start-up";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("'server.wokers' (did you mean 'server.workers'?)"));
    EXPECT_THAT(e.what(), HasSubstr("'profiles.kafka.bus.ulr' (did you mean 'bus.url'?)"));
  }
}

TEST(ConfigCheck, ASectionReadOrClaimedCoversWhatIsUnderIt) {
  const Config c = Config::from_string(kService, {"default", "kafka"}, no_env);
  start_up_reads(c);
  c.get("server.wokers", "");                // read directly
  c.claim("clients.pay.circuit-breaker");    // a component that reads it only when enabled
  c.find("bus");                             // a whole section read at once
  EXPECT_TRUE(c.unknown_keys().empty());
  EXPECT_NO_THROW(c.check_known());
}

TEST(ConfigCheck, InactiveProfilesAndTheEnvironmentAreNotChecked) {
  const Config c = Config::from_string(kService, {"default"}, env_of({{"SERVR_PORT", "1"}}));
  start_up_reads(c);
  c.get("server.wokers", "");
  c.claim("clients.pay.circuit-breaker");
  EXPECT_TRUE(c.unknown_keys().empty());
}

TEST(ConfigCheck, CopiesShareWhatWasRead) {
  const Config c = Config::from_string("a: 1\nb: [x, y]\n", {"default"}, no_env);
  const Config copy = c;
  copy.get("a", "");
  EXPECT_THAT(c.unknown_keys(), ElementsAre("b", "b.0", "b.1"));
  c.get("b", "");  // a list read as one value
  EXPECT_TRUE(copy.unknown_keys().empty());
}

}  // namespace checked
}  // namespace
