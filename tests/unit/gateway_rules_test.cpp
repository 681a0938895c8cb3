// Who may call what: the gateway's route rules, and car rental's own rules as shipped.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "hexa/config/config.hpp"
#include "hexa/gateway/access_rules.hpp"

namespace {

using hexa::gateway::AccessRule;
using hexa::gateway::AccessRules;
using Roles = std::vector<std::string>;

const Roles kCustomer{"CUSTOMER"};
const Roles kManager{"MANAGER"};

hexa::Config carrental(const std::string& profiles) {
  return hexa::Config::load(std::string(HEXA_SYSTEMS_DIR) + "/carrental/gateway.yaml",
                            hexa::Config::parse_profiles(profiles),
                            [](const std::string&) { return std::optional<std::string>{}; });
}

TEST(CarRentalRules, CustomersSignCancelAndReadTheirContractsAndMyPage) {
  const AccessRules rules(carrental("secure"));
  EXPECT_TRUE(rules.allows("POST", "/contracts", kCustomer));
  EXPECT_TRUE(rules.allows("GET", "/contracts/7", kCustomer));
  EXPECT_TRUE(rules.allows("PATCH", "/contracts/7", kCustomer)) << "cancelling";
  EXPECT_TRUE(rules.allows("GET", "/myPages", kCustomer));
  EXPECT_TRUE(rules.allows("GET", "/myPages/3", kCustomer));
  EXPECT_FALSE(rules.allows("DELETE", "/contracts/7", kCustomer));
  EXPECT_FALSE(rules.allows("POST", "/myPages", kCustomer)) << "a view is not written from outside";
}

TEST(CarRentalRules, PaymentsAndReservationsAreReadByManagersOnlyAndNeverCreatedFromOutside) {
  const AccessRules rules(carrental("secure"));
  for (const char* path : {"/pays", "/pays/1", "/reservations", "/reservations/1"}) {
    EXPECT_TRUE(rules.allows("GET", path, kManager)) << path;
    EXPECT_FALSE(rules.allows("GET", path, kCustomer)) << path;
    for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
      EXPECT_FALSE(rules.allows(method, path, kManager)) << method << " " << path;
      EXPECT_FALSE(rules.allows(method, path, kCustomer)) << method << " " << path;
    }
  }
  EXPECT_FALSE(rules.allows("GET", "/reservations", {})) << "no roles, no access";
}

TEST(CarRentalRules, TokensAndKeysNeedNoToken) {
  const AccessRules rules(carrental("secure"));
  EXPECT_TRUE(rules.is_open("/oauth/token"));
  EXPECT_TRUE(rules.is_open("/.well-known/jwks.json"));
  EXPECT_FALSE(rules.is_open("/contracts"));
  EXPECT_FALSE(rules.is_open("/oauthx"));
  EXPECT_TRUE(carrental("default").get_bool("security.enabled", true) == false) << "the default profile stays open";
  EXPECT_TRUE(carrental("secure").get_bool("security.enabled", false));
}

TEST(AccessRules, TheFirstRuleThatMatchesPathAndMethodDecides) {
  const AccessRules rules({}, {AccessRule{{"/admin/**"}, {}, {"ADMIN"}},
                               AccessRule{{"/items/**"}, {"GET"}, {"*"}},
                               AccessRule{{"/items/**"}, {"POST", "DELETE"}, {"EDITOR"}},
                               AccessRule{{"/**"}, {"GET"}, {"ADMIN"}}});
  EXPECT_TRUE(rules.allows("GET", "/items/1", {"ANYONE"})) << "* is any authenticated caller";
  EXPECT_TRUE(rules.allows("HEAD", "/items/1", {"ANYONE"})) << "HEAD is checked as GET";
  EXPECT_TRUE(rules.allows("DELETE", "/items/1", {"EDITOR"}));
  EXPECT_FALSE(rules.allows("DELETE", "/items/1", {"ADMIN"})) << "the items rule decided, not the catch-all";
  EXPECT_TRUE(rules.allows("PUT", "/admin/x", {"ADMIN"})) << "a rule without methods covers them all";
  EXPECT_FALSE(rules.allows("PUT", "/items/1", {"EDITOR"})) << "what no rule allows is forbidden";
  EXPECT_TRUE(rules.allows("GET", "/other", {"ADMIN"}));
  EXPECT_FALSE(rules.allows("GET", "/other", {"EDITOR"}));
}

TEST(AccessRules, ARuleNeedsPathsAndRolesAndMethodsAreCaseInsensitiveInConfig) {
  const auto parse = [](const std::string& yaml) {
    return AccessRules(hexa::Config::from_string(yaml, {"default"},
                                                 [](const std::string&) { return std::optional<std::string>{}; }));
  };
  EXPECT_THROW(parse("security: {rules: [{paths: [/a], methods: [GET]}]}"), std::runtime_error);
  EXPECT_THROW(parse("security: {rules: [{roles: [X], methods: [GET]}]}"), std::runtime_error);
  const auto rules = parse("security: {rules: [{paths: [/a/**], methods: [get], roles: [X]}]}");
  EXPECT_TRUE(rules.allows("GET", "/a/1", {"X"}));
}

TEST(AccessRules, PathsThatAServiceMightReadDifferentlyAreAmbiguous) {
  using hexa::gateway::ambiguous_path;
  for (const char* bad : {"/myPages/../pays", "/myPages/..", "/./pays", "/myPages/%2e%2e/pays", "/myPages%2Fx",
                          "/a\\b"})
    EXPECT_TRUE(ambiguous_path(bad)) << bad;
  for (const char* fine : {"/contracts", "/contracts/1", "/", "/a.b/c..d", "/myPages/...", "/x%20y"})
    EXPECT_FALSE(ambiguous_path(fine)) << fine;
}

}  // namespace
