// Store profiles of `hexa up`: which store each service gets for --profile postgres / mariadb /
// polyglot (systems/<system>/system.yaml `profiles:`), and the local servers started for them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "hexa/launcher/plan.hpp"
#include "hexa/launcher/store_servers.hpp"
#include "hexa/launcher/system_spec.hpp"

namespace {

namespace fs = std::filesystem;
namespace hl = hexa::launcher;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

hl::PortProbe all_free() {
  hl::PortProbe probe;
  probe.is_free = [](std::uint16_t) { return true; };
  return probe;
}

hl::Plan plan_for(const hl::SystemSpec& spec, const std::string& profiles,
                  std::vector<std::string> env = {}, std::vector<std::string> replicas = {}) {
  hl::UpOptions options;
  options.profiles = profiles;
  options.env = std::move(env);
  options.replicas = std::move(replicas);
  return hl::make_plan(spec, options, "/bin", "/data", all_free());
}

// instance -> its STORE_URL ("" when it has none)
std::map<std::string, std::string> stores_of(const hl::Plan& plan) {
  std::map<std::string, std::string> out;
  for (const auto& i : plan.instances) {
    const auto it = i.env.find("STORE_URL");
    out[i.instance] = it == i.env.end() ? "" : it->second;
  }
  return out;
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "hexa-profiles-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TEST(LauncherProfiles, CarRentalPolyglotPutsEachServiceWhereTheSeedsDid) {
  const auto spec = hl::load_system(HEXA_SYSTEMS_DIR, "carrental");
  const auto stores = stores_of(plan_for(spec, "polyglot"));
  EXPECT_THAT(stores.at("contract-1"), ::testing::StartsWith("postgresql://"));
  EXPECT_THAT(stores.at("contract-1"), HasSubstr("/carrental_contract"));
  EXPECT_THAT(stores.at("pay-1"), ::testing::StartsWith("postgresql://"));
  EXPECT_THAT(stores.at("pay-1"), HasSubstr("/carrental_pay"));
  EXPECT_THAT(stores.at("reservation-1"), ::testing::StartsWith("mariadb://"));
  EXPECT_THAT(stores.at("reservation-1"), HasSubstr("/carrental_reservation"));
  EXPECT_EQ(stores.at("mypage-1"), "");  // its SQLite file in DATA_DIR
  EXPECT_EQ(stores.at("gateway"), "");
}

TEST(LauncherProfiles, CarRentalPostgresAndMariadbProfilesMoveEveryService) {
  const auto spec = hl::load_system(HEXA_SYSTEMS_DIR, "carrental");
  for (const auto& [profile, scheme] : {std::pair{"postgres", "postgresql://"}, std::pair{"mariadb", "mariadb://"}}) {
    for (const auto& [instance, url] : stores_of(plan_for(spec, profile))) {
      if (instance == "gateway") continue;
      EXPECT_THAT(url, ::testing::StartsWith(scheme)) << instance << " with " << profile;
      const auto service = instance.substr(0, instance.find('-'));
      EXPECT_THAT(url, HasSubstr("/carrental_" + service)) << "one database per service";
    }
  }
  EXPECT_EQ(stores_of(plan_for(spec, "default")).at("contract-1"), "");
}

TEST(LauncherProfiles, ProfilesCombineLaterWinsAndEnvOverrides) {
  const hl::SystemSpec spec{
      "shop", "/s/shop", {{"order", 8081}, {"delivery", 8082}}, std::nullopt,
      {{"pg", {"postgresql://127.0.0.1/{system}_{service}", {}}},
       {"mixed", {std::nullopt, {{"delivery", "mariadb://127.0.0.1/d"}}}}}};
  // A profile without stores (a colleague's "kafka") changes nothing here.
  EXPECT_THAT(stores_of(plan_for(spec, "kafka,pg")),
              ElementsAre(std::pair{std::string("delivery-1"), std::string("postgresql://127.0.0.1/shop_delivery")},
                          std::pair{std::string("order-1"), std::string("postgresql://127.0.0.1/shop_order")}));
  EXPECT_EQ(stores_of(plan_for(spec, "pg,mixed")).at("delivery-1"), "mariadb://127.0.0.1/d");
  EXPECT_EQ(stores_of(plan_for(spec, "mixed,pg")).at("delivery-1"), "postgresql://127.0.0.1/shop_delivery");
  EXPECT_EQ(stores_of(plan_for(spec, "pg", {"order:STORE_URL=sqlite:/x.db"})).at("order-1"), "sqlite:/x.db");
}

TEST(LauncherProfiles, ReplicasShareTheirServicesStore) {
  const hl::SystemSpec spec{"shop", "/s/shop", {{"order", 8081}}, std::nullopt,
                            {{"pg", {"postgresql://127.0.0.1/{system}_{service}", {}}}}};
  const auto stores = stores_of(plan_for(spec, "pg", {}, {"order=3"}));
  EXPECT_EQ(stores.at("order-1"), "postgresql://127.0.0.1/shop_order");
  EXPECT_EQ(stores.at("order-2"), stores.at("order-1"));
  EXPECT_EQ(stores.at("order-3"), stores.at("order-1"));
}

TEST(LauncherProfiles, AProfileNamingAnUnknownServiceIsRefusedWithItsLine) {
  TempDir dir;
  fs::create_directories(dir.path() / "shop");
  std::ofstream(dir.path() / "shop" / "system.yaml") << "services:\n"
                                                        "  order: {port: 8081}\n"
                                                        "profiles:\n"
                                                        "  pg:\n"
                                                        "    stores:\n"
                                                        "      ordr: postgresql://127.0.0.1/x\n";
  try {
    hl::load_system(dir.path(), "shop");
    FAIL() << "a typo in a service name must not pass";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("ordr"));
    EXPECT_THAT(e.what(), HasSubstr("system.yaml:6"));
  }
}

TEST(LauncherProfiles, LocalServersAreListedOnceAndRemoteOnesNotAtAll) {
  const hl::SystemSpec spec{
      "shop", "/s/shop", {{"a", 8081}, {"b", 8082}, {"c", 8083}, {"d", 8084}}, std::nullopt,
      {{"p", {std::nullopt,
              {{"a", "postgresql://u:pw@127.0.0.1/a"}, {"b", "postgresql://localhost:5432/b"},
               {"c", "mariadb://127.0.0.1:3307/c"}, {"d", "postgresql://db.example.com/d"}}}}}};
  const auto servers = hl::local_store_servers(plan_for(spec, "p"));
  EXPECT_THAT(servers, ElementsAre(hl::StoreServer{"mariadb", 3307}, hl::StoreServer{"postgres", 5432}));
  EXPECT_TRUE(hl::local_store_servers(plan_for(spec, "default")).empty());
}

TEST(LauncherProfiles, ServersAreStartedWithDbDevInTheDataFolder) {
  TempDir dir;
  const auto script = dir.path() / "db-dev";
  const auto calls = dir.path() / "calls";
  std::ofstream(script) << "#!/bin/sh\necho \"$* $HEXA_DATA_DIR\" >> " << calls << "\necho \"db-dev: $2 ready\"\n";
  fs::permissions(script, fs::perms::owner_all);
  const auto log = dir.path() / "db-dev.log";
  hl::start_store_servers({{"mariadb", 3306}, {"postgres", 5432}}, script, "/srv/data", log);
  std::ifstream in(calls);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "start mariadb 3306 /srv/data\nstart postgres 5432 /srv/data\n");

  std::ofstream(script) << "#!/bin/sh\necho 'db-dev: initdb failed, see x.log'\nexit 1\n";
  try {
    hl::start_store_servers({{"postgres", 5432}}, script, "/srv/data", log);
    FAIL() << "a server that does not start must stop `hexa up`";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("initdb failed, see x.log"));
  }
}

}  // namespace
