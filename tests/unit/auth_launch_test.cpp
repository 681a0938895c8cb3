// `hexa up carrental` starts the auth service: a framework executable (hexa-auth) named in
// system.yaml with its own config file, and every instance learns its address.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "hexa/launcher/plan.hpp"
#include "hexa/launcher/system_spec.hpp"

namespace {

namespace fs = std::filesystem;
namespace hl = hexa::launcher;

hl::Plan plan_of(const hl::SystemSpec& spec) {
  hl::PortProbe all_free;
  all_free.is_free = [](std::uint16_t) { return true; };
  return hl::make_plan(spec, {}, "/bin", "/data", all_free);
}

const hl::InstancePlan& instance(const hl::Plan& plan, const std::string& name) {
  const auto it = std::ranges::find(plan.instances, name, &hl::InstancePlan::instance);
  if (it == plan.instances.end()) throw std::runtime_error("no instance " + name);
  return *it;
}

TEST(AuthLaunch, CarRentalRunsHexaAuthWithItsOwnConfigOnPort8090) {
  const auto spec = hl::load_system(HEXA_SYSTEMS_DIR, "carrental");
  const auto plan = plan_of(spec);
  const auto& auth = instance(plan, "auth-1");
  EXPECT_EQ(auth.program, fs::path("/bin/hexa-auth"));
  EXPECT_THAT(auth.args, ::testing::ElementsAre("--config", (spec.dir / "auth.yaml").string()));
  EXPECT_EQ(auth.port, 8090);
  EXPECT_EQ(auth.env.at("DATA_DIR"), "/data/carrental/auth") << "where its generated key is kept";
  EXPECT_EQ(instance(plan, "gateway").env.at("SERVICES_AUTH_URL"), "http://127.0.0.1:8090");
  const auto& contract = instance(plan, "contract-1");
  EXPECT_EQ(contract.program, fs::path("/bin/carrental-contract")) << "the system's own services as before";
  EXPECT_THAT(contract.args, ::testing::ElementsAre("--config", (spec.dir / "contract" / "application.yaml").string()));
}

TEST(AuthLaunch, AnExecutableIsANameInTheBinFolderNeverAPath) {
  std::string pattern = (fs::temp_directory_path() / "hexa-auth-launch-XXXXXX").string();
  const fs::path root = ::mkdtemp(pattern.data());
  fs::create_directories(root / "sys");
  std::ofstream(root / "sys" / "system.yaml") << "services:\n  auth: {port: 9000, executable: ../../usr/bin/sh}\n";
  EXPECT_THROW(hl::load_system(root, "sys"), std::runtime_error);
  fs::remove_all(root);
}

}  // namespace
