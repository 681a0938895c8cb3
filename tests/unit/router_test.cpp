#include <gtest/gtest.h>

#include "hexa/runtime/router.hpp"

namespace {

using hexa::http::Verb;

hexa::http::Response answer(const std::string& text) {
  hexa::http::Response r;
  r.body() = text;
  return r;
}

TEST(Router, MatchesLiteralBeforeCapture) {
  hexa::Router router;
  router.add(Verb::get, "/contracts/{id}", [](auto&, auto& p) { return answer("item " + p.at("id")); });
  router.add(Verb::get, "/contracts/search", [](auto&, auto&) { return answer("search"); });
  auto m = router.match(Verb::get, "/contracts/search?x=1");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->handler({}, m.params).body(), "search");
  m = router.match(Verb::get, "/contracts/42");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("id"), "42");
}

TEST(Router, KnowsThePathForOtherMethods) {
  hexa::Router router;
  router.add(Verb::get, "/contracts", [](auto&, auto&) { return answer("list"); });
  auto m = router.match(Verb::delete_, "/contracts");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.path_known);
  m = router.match(Verb::get, "/nothing");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_FALSE(m.path_known);
}

TEST(Router, DecodesQueriesIncludingKoreanAndRepeatedKeys) {
  auto q = hexa::parse_query("/x?custName=%EA%B3%A0%EA%B0%9D1&sort=amt,desc&sort=id&flag");
  EXPECT_EQ(q.at("custName"), "고객1");
  EXPECT_EQ(q.at("sort"), "amt,desc\nid");
  EXPECT_EQ(q.at("flag"), "");
  EXPECT_EQ(hexa::url_decode("a+b%2"), "a b%2");
}

}  // namespace
