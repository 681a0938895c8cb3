// A saga under kill -9: a process (tests/programs/saga_runner) handling one event is killed at
// each step in turn, then started again as the bus would redeliver. Afterwards each local step
// took effect exactly once and the callee saw one idempotency key (it acted once).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "../programs/child_process.hpp"
#include "hexa/events/event.hpp"
#include "hexa/store/store.hpp"

namespace {

class SagaCrash : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("hexa-saga-crash-" + GetParam() + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  int run(const std::string& die_at) {
    hexa::testing::ChildProcess p({hexa::testing::helper_program("saga_runner").string(), store_url(),
                                   (dir_ / "callee.txt").string(), event_id_, die_at});
    return p.wait();
  }
  std::string store_url() const { return "sqlite:" + (dir_ / "shop.db").string(); }
  std::multiset<std::string> notes() {
    auto store = hexa::open_store(store_url());
    auto tx = store->begin(hexa::Access::Read);
    std::multiset<std::string> out;
    for (const auto& r : tx->select({"Note", {{"text", hexa::Kind::Text}}}, {}))
      out.insert(std::get<std::string>(r.at("text")));
    return out;
  }
  std::vector<std::string> callee_calls() {
    std::vector<std::string> out;
    std::ifstream in(dir_ / "callee.txt");
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

  std::filesystem::path dir_;
  std::string event_id_ = hexa::new_event_id();
};

}  // namespace

TEST_P(SagaCrash, KilledAtAStepTheSagaResumesAndEachStepTakesEffectOnce) {
  const int killed = run(GetParam());
  ASSERT_TRUE(WIFSIGNALED(killed) && WTERMSIG(killed) == SIGKILL) << "it died at " << GetParam();
  const int again = run("none");
  ASSERT_TRUE(WIFEXITED(again) && WEXITSTATUS(again) == 0);
  EXPECT_EQ(notes(), (std::multiset<std::string>{"stock taken", "delivery with C-1"}));
  const auto calls = callee_calls();
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(std::set<std::string>(calls.begin(), calls.end()), std::set<std::string>{event_id_ + ":1"})
      << "every attempt of the remote step sent the same key: the callee acts once";
  if (GetParam() != "after-call" && GetParam() != "in-then") {
    EXPECT_EQ(calls.size(), 1u) << "the remote step ran again only if what followed it did not commit";
  }
  const int redelivered = run("none");  // handled: the bus delivering it again changes nothing
  ASSERT_TRUE(WIFEXITED(redelivered) && WEXITSTATUS(redelivered) == 0);
  EXPECT_EQ(notes().size(), 2u);
  EXPECT_EQ(callee_calls().size(), calls.size());
}

INSTANTIATE_TEST_SUITE_P(Steps, SagaCrash, ::testing::Values("in-local", "after-local", "after-call", "in-then"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (auto& c : name) if (c == '-') c = '_';
                           return name;
                         });
