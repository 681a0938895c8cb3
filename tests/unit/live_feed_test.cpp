// The live feed as a subscriber sees it: after each committed change of a watched table, the
// row as rendered; nothing for rolled-back work; only its own rows for a caller limited to
// them; deletions with the row as it was; heartbeats; ended streams let go.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "hexa/rest/live_feed.hpp"
#include "hexa/store/watched_store.hpp"
#include "support/eventually.hpp"

namespace {

using namespace std::chrono_literals;
using hexa::Record;
using hexa::Value;
using hexa::rest::LiveFeed;
using hexa::testing::eventually;
namespace fs = std::filesystem;

// A client's stream, recording what it was sent.
class FakeStream : public hexa::http::EventStream {
 public:
  bool send(std::string bytes) override {
    std::lock_guard lock(m_);
    if (!open_) return false;
    sent_.push_back(std::move(bytes));
    return true;
  }
  bool open() const override {
    std::lock_guard lock(m_);
    return open_;
  }
  void close() override {
    std::lock_guard lock(m_);
    open_ = false;
  }
  void on_close(std::function<void()>) override {}
  std::vector<std::string> sent() const {
    std::lock_guard lock(m_);
    return sent_;
  }
  bool got(const std::string& frame) const {
    const auto all = sent();
    return std::find(all.begin(), all.end(), frame) != all.end();
  }

 private:
  mutable std::mutex m_;
  bool open_ = true;
  std::vector<std::string> sent_;
};

const hexa::Schema kPages{"my_page", {{"custName", hexa::Kind::Text}, {"status", hexa::Kind::Text}}};

std::string text(const Record& r, const std::string& field) { return std::get<std::string>(r.at(field)); }

class LiveFeedTest : public ::testing::Test {
 protected:
  LiveFeedTest() {
    std::string pattern = (fs::temp_directory_path() / "hexa-live-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    store_ = std::make_unique<hexa::WatchedStore>(hexa::open_store("sqlite:" + (dir_ / "s.db").string()), feed_);
    store_->migrate(kPages);
    feed_.add({kPages.table, "custName",
               [this](std::int64_t id) { return store_->begin(hexa::Access::Read)->find(kPages, id); },
               [](const Record& r, const std::string& base) {
                 return "{\"id\":" + std::to_string(std::get<std::int64_t>(r.at("id"))) + ",\"custName\":\"" +
                        text(r, "custName") + "\",\"status\":\"" + text(r, "status") + "\",\"self\":\"" + base +
                        "/myPages/" + std::to_string(std::get<std::int64_t>(r.at("id"))) + "\"}";
               }});
    feed_.start();
  }
  ~LiveFeedTest() override {
    feed_.stop();
    store_.reset();
    fs::remove_all(dir_);
  }
  std::int64_t insert(const std::string& cust, const std::string& status) {
    auto tx = store_->begin(hexa::Access::Write);
    const auto id = tx->insert(kPages, Record{{"custName", cust}, {"status", status}});
    tx->commit();
    return id;
  }
  void update(std::int64_t id, const std::string& status) {
    auto tx = store_->begin(hexa::Access::Write);
    tx->update(kPages, id, Record{{"status", status}});
    tx->commit();
  }
  std::shared_ptr<FakeStream> subscribe(std::optional<std::string> owner = std::nullopt) {
    auto s = std::make_shared<FakeStream>();
    feed_.subscribe(kPages.table, {s, "http://gw:8088", std::move(owner)});
    return s;
  }

  fs::path dir_;
  LiveFeed feed_{200ms};  // a short heartbeat, to see it
  std::unique_ptr<hexa::WatchedStore> store_;
};

TEST_F(LiveFeedTest, SaysItIsLiveThenSendsEachCommittedRowAsRendered) {
  auto s = subscribe();
  ASSERT_FALSE(s->sent().empty());
  EXPECT_EQ(s->sent().front(), ": live\n\n");
  const auto id = insert("고객1", "reserved");
  const std::string self = "http://gw:8088/myPages/" + std::to_string(id);
  EXPECT_TRUE(eventually([&] {
    return s->got("event: change\ndata: {\"id\":" + std::to_string(id) +
                  ",\"custName\":\"고객1\",\"status\":\"reserved\",\"self\":\"" + self + "\"}\n\n");
  }));
  update(id, "cancelled");
  EXPECT_TRUE(eventually([&] {
    return s->got("event: change\ndata: {\"id\":" + std::to_string(id) +
                  ",\"custName\":\"고객1\",\"status\":\"cancelled\",\"self\":\"" + self + "\"}\n\n");
  }));
}

TEST_F(LiveFeedTest, RolledBackWorkSaysNothing) {
  auto s = subscribe();
  {
    auto tx = store_->begin(hexa::Access::Write);
    tx->insert(kPages, Record{{"custName", "ghost"}, {"status", "x"}});
  }  // no commit
  insert("real", "reserved");  // a later commit that does arrive: the ghost would be before it
  ASSERT_TRUE(eventually([&] { return s->sent().size() >= 2; }));
  for (const auto& frame : s->sent()) EXPECT_EQ(frame.find("ghost"), std::string::npos) << frame;
}

TEST_F(LiveFeedTest, ACallerLimitedToItsOwnRowsHearsOfThoseOnly) {
  auto mine = subscribe("kim");
  auto all = subscribe();
  insert("lee", "reserved");
  insert("kim", "reserved");
  ASSERT_TRUE(eventually([&] { return all->sent().size() >= 3; }));  // ": live" and both rows
  ASSERT_TRUE(eventually([&] { return mine->sent().size() >= 2; }));
  for (const auto& frame : mine->sent()) EXPECT_EQ(frame.find("lee"), std::string::npos) << frame;
  EXPECT_NE(mine->sent().back().find("kim"), std::string::npos);
}

TEST_F(LiveFeedTest, ADeletionIsSentWithTheRowAsItWas) {
  const auto id = insert("park", "reserved");
  auto s = subscribe();
  {
    auto tx = store_->begin(hexa::Access::Write);
    tx->remove(kPages, id);
    tx->commit();
  }
  EXPECT_TRUE(eventually([&] {
    const auto sent = s->sent();
    return std::any_of(sent.begin(), sent.end(), [](const std::string& f) {
      return f.starts_with("event: deleted\ndata: ") && f.find("park") != std::string::npos;
    });
  }));
}

TEST_F(LiveFeedTest, HeartbeatsKeepStreamsOpenAndEndedStreamsAreLetGo) {
  auto stays = subscribe();
  auto leaves = subscribe();
  EXPECT_EQ(feed_.subscribers(), 2u);
  EXPECT_TRUE(feed_.watches(kPages.table));
  EXPECT_FALSE(feed_.watches("other"));
  leaves->close();
  EXPECT_TRUE(eventually([&] { return stays->got(": keep-alive\n\n"); }, 5s));
  EXPECT_TRUE(eventually([&] { return feed_.subscribers() == 1u; }, 5s));
  stays->close();
  EXPECT_TRUE(eventually([&] { return !feed_.watches(kPages.table); }, 5s));
}

}  // namespace
