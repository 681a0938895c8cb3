// The event bus port's contract, written once and run against every implementation. To add
// one (e.g. Kafka), add one line to kTargets.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <span>
#include <thread>

#include "../programs/child_process.hpp"
#include "hexa/events/bus.hpp"
#include "hexa/store/store.hpp"
#include "support/kafka_broker.hpp"
#include "support/eventually.hpp"

namespace {

using hexa::testing::eventually;

using namespace std::chrono_literals;
using hexa::Event;

struct BusTarget {
  std::string name;
  std::function<std::string(const std::filesystem::path& dir)> url;  // a fresh, empty bus
};

// Test output names the target, not the struct's bytes.
void PrintTo(const BusTarget& target, std::ostream* os) { *os << target.name; }

// Kafka: one throw-away broker for this binary, started on first use; each test gets a fresh
// namespace on it (support/kafka_broker.hpp).
hexa::testing::KafkaBroker* const kKafka = hexa::testing::add_kafka_broker();

const BusTarget kTargets[] = {
    {"log", [](const auto& dir) { return "log:" + dir.string(); }},
    {"kafka", [](const auto&) { return kKafka->bus_url(); }},
};

std::int64_t seq_of(const Event& e) { return nlohmann::json::parse(e.payload).at("seq").get<std::int64_t>(); }

// What in-process members handled, in the order they handled it.
class Recorder {
 public:
  struct Entry {
    std::string member;
    Event event;
  };
  hexa::EventHandler handler(std::string member) {
    return [this, member](const Event& e) {
      std::lock_guard lock(mutex_);
      log_.push_back({member, e});
    };
  }
  std::vector<Entry> log() const {
    std::lock_guard lock(mutex_);
    return log_;
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return log_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Entry> log_;
};

// Per key, sequence numbers must only grow (in the order given).
void expect_order_per_key(const std::vector<std::pair<std::string, std::int64_t>>& handled) {
  std::map<std::string, std::int64_t> last;
  for (const auto& [key, seq] : handled) {
    auto it = last.find(key);
    if (it != last.end()) {
      EXPECT_GT(seq, it->second) << "key " << key << " out of order";
    }
    last[key] = seq;
  }
}

std::vector<std::pair<std::string, std::int64_t>> key_seqs(const std::vector<Recorder::Entry>& log) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (const auto& entry : log) out.emplace_back(entry.event.key, seq_of(entry.event));
  return out;
}

class BusConformance : public ::testing::TestWithParam<BusTarget> {
 protected:
  void SetUp() override {
    std::string id = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : id) if (c == '/') c = '_';
    dir_ = std::filesystem::temp_directory_path() / ("hexa-bus-" + id + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    url_ = GetParam().url(dir_ / "bus");
    bus_ = hexa::open_bus(url_);
  }
  void TearDown() override {
    bus_.reset();
    std::filesystem::remove_all(dir_);
  }

  // `count` events over `keys` keys ("k0".."k<keys-1>"), each key's "seq" counting up.
  std::vector<Event> make(int count, int keys) {
    std::vector<Event> out;
    for (int i = 0; i < count; ++i) {
      std::string key = "k";  // appended, not "k" + ...: dodges a GCC 12 -Wrestrict false alarm
      key += std::to_string(i % keys);
      const auto seq = next_seq_[key]++;
      out.push_back({hexa::new_event_id(), "Tested", hexa::now_ms(), key, "test", topic_,
                     nlohmann::json{{"seq", seq}}.dump()});
    }
    return out;
  }
  // Publishes in batches of `batch`; returns the ids.
  std::vector<std::string> publish(int count, int keys, int batch = 50) {
    std::vector<std::string> ids;
    for (int done = 0; done < count; done += batch) {
      auto events = make(std::min(batch, count - done), keys);
      bus_->publish(events);
      for (const auto& e : events) ids.push_back(e.id);
    }
    published_ += count;
    return ids;
  }
  hexa::SubscriptionOptions options(const std::string& group, const std::string& member) const {
    return {group, topic_, member, 50ms};
  }
  // Publishes small batches of new keys until every member in `members` has handled one:
  // then the group has shared out its partitions.
  void warm_up(const std::function<std::set<std::string>()>& members_seen,
               const std::function<std::size_t()>& handled, std::size_t members) {
    int round = 0;
    while (members_seen().size() < members) {
      ASSERT_LT(++round, 200) << "the members never shared the partitions";
      auto events = make(16, 16);
      for (auto& e : events) e.key = std::to_string(round) + "-warm-" + e.key;
      bus_->publish(events);
      published_ += events.size();
      ASSERT_TRUE(eventually([&] { return handled() >= published_; }));
    }
  }

  std::filesystem::path dir_;
  std::string url_;
  std::unique_ptr<hexa::EventBus> bus_;
  std::string topic_ = "orders";
  std::map<std::string, std::int64_t> next_seq_;
  std::size_t published_ = 0;
};

TEST_P(BusConformance, SubscriberGetsEverythingPublishedBeforeInOrderPerKey) {
  const auto first = make(1, 1).front();
  bus_->publish({first});
  const auto ids = publish(299, 10);
  Recorder recorder;
  auto sub = bus_->subscribe(options("g", "m1"), recorder.handler("m1"));
  ASSERT_TRUE(eventually([&] { return recorder.size() >= 300; }));
  const auto log = recorder.log();
  EXPECT_EQ(log.size(), 300u);
  EXPECT_TRUE(eventually([&] { return sub->handled() == 300; }));  // counted after the handler
  std::set<std::string> seen;
  for (const auto& entry : log) seen.insert(entry.event.id);
  EXPECT_EQ(seen.size(), 300u);
  expect_order_per_key(key_seqs(log));
  // The envelope arrives unchanged.
  const auto& got = std::find_if(log.begin(), log.end(), [&](const auto& e) { return e.event.id == first.id; })->event;
  EXPECT_EQ(got.type, first.type);
  EXPECT_EQ(got.time_ms, first.time_ms);
  EXPECT_EQ(got.key, first.key);
  EXPECT_EQ(got.source, first.source);
  EXPECT_EQ(got.topic, first.topic);
  EXPECT_EQ(got.payload, first.payload);
}

TEST_P(BusConformance, EventsPublishedWhileSubscribedArrive) {
  Recorder recorder;
  auto sub = bus_->subscribe(options("g", "m1"), recorder.handler("m1"));
  for (int i = 0; i < 5; ++i) {
    publish(1, 1);
    ASSERT_TRUE(eventually([&] { return recorder.size() == published_; }, 5s));
  }
}

TEST_P(BusConformance, GroupPositionSurvivesARestart) {
  publish(50, 5);
  {
    Recorder recorder;
    auto sub = bus_->subscribe(options("g", "m1"), recorder.handler("m1"));
    ASSERT_TRUE(eventually([&] { return recorder.size() >= 50; }));
  }
  const auto fresh = publish(30, 5);
  Recorder recorder;
  auto sub = bus_->subscribe(options("g", "m1"), recorder.handler("m1"));
  ASSERT_TRUE(eventually([&] { return recorder.size() >= 30; }));
  // Each key's old events would come before its new ones: by now any repeat would be here.
  std::set<std::string> got;
  for (const auto& entry : recorder.log()) got.insert(entry.event.id);
  EXPECT_EQ(recorder.size(), 30u);
  EXPECT_EQ(got, std::set<std::string>(fresh.begin(), fresh.end()));
}

// events.start: latest. A group with no position starts at the end as of subscribe(): what
// was published before is skipped, everything published after subscribe() returned arrives
// (however late the bus assigns partitions); once the group has a position it goes on from
// there, also across a restart.
TEST_P(BusConformance, ALatestGroupStartsAtTheEndAndMissesNothingPublishedAfter) {
  publish(40, 4);  // history a notifier added later must not re-send
  auto latest = options("notifier", "m1");
  latest.start = hexa::Start::latest;
  std::vector<std::string> fresh;
  {
    Recorder recorder;
    auto sub = bus_->subscribe(latest, recorder.handler("m1"));
    fresh = publish(8, 4, 1);  // at once: before the bus has even assigned partitions
    ASSERT_TRUE(eventually([&] { return recorder.size() >= 8; }));
    // Each key's history would come before its new events: any of it would be here by now.
    std::set<std::string> got;
    for (const auto& entry : recorder.log()) got.insert(entry.event.id);
    EXPECT_EQ(recorder.size(), 8u);
    EXPECT_EQ(got, std::set<std::string>(fresh.begin(), fresh.end()));
  }
  const auto while_down = publish(6, 3);
  Recorder recorder;
  auto sub = bus_->subscribe(latest, recorder.handler("m1"));
  ASSERT_TRUE(eventually([&] { return recorder.size() >= 6; }));
  std::set<std::string> got;
  for (const auto& entry : recorder.log()) got.insert(entry.event.id);
  EXPECT_EQ(recorder.size(), 6u) << "a group with a position goes on from it";
  EXPECT_EQ(got, std::set<std::string>(while_down.begin(), while_down.end()));
  // An earliest group on the same stream still reads it all.
  Recorder all;
  auto from_start = bus_->subscribe(options("view", "m1"), all.handler("m1"));
  ASSERT_TRUE(eventually([&] { return all.size() >= 54; }));
}

TEST_P(BusConformance, TwoGroupsEachGetEverything) {
  Recorder first, second;
  auto a = bus_->subscribe(options("billing", "m1"), first.handler("m1"));
  auto b = bus_->subscribe(options("mypage", "m1"), second.handler("m1"));
  publish(200, 7);
  ASSERT_TRUE(eventually([&] { return first.size() >= 200 && second.size() >= 200; }));
  EXPECT_EQ(first.size(), 200u);
  EXPECT_EQ(second.size(), 200u);
  expect_order_per_key(key_seqs(first.log()));
  expect_order_per_key(key_seqs(second.log()));
}

TEST_P(BusConformance, FailingHandlerGetsTheSameEventAgainAndKeepsOrder) {
  publish(20, 1);  // one key: one partition, strict order
  std::mutex mutex;
  std::vector<std::int64_t> seqs;
  bool failed = false;
  auto sub = bus_->subscribe(options("g", "m1"), [&](const Event& e) {
    std::lock_guard lock(mutex);
    if (seq_of(e) == 7 && !failed) {
      failed = true;
      throw std::runtime_error("not now");
    }
    seqs.push_back(seq_of(e));
  });
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return seqs.size() >= 20;
  }));
  std::lock_guard lock(mutex);
  EXPECT_TRUE(failed);
  std::vector<std::int64_t> expected(20);
  for (int i = 0; i < 20; ++i) expected[i] = i;
  EXPECT_EQ(seqs, expected);
  EXPECT_TRUE(eventually([&] { return sub->handled() == 20; }));
}

// lag() (for /actuator/prometheus): what is published and not handled, then 0 once handled.
TEST_P(BusConformance, LagCountsWhatWaitsUnhandledThenFallsToZero) {
  std::atomic<bool> refusing{true};
  auto sub = bus_->subscribe(options("g", "m1"), [&](const Event&) {
    if (refusing) throw std::runtime_error("not now");
  });
  const auto total_lag = [&] {
    std::int64_t sum = 0;
    for (const auto& p : sub->lag()) sum += p.lag;
    return sum;
  };
  publish(10, 1);  // one key: one partition
  EXPECT_TRUE(eventually([&] { return total_lag() == 10; }, 20s)) << total_lag();
  refusing = false;
  EXPECT_TRUE(eventually([&] { return sub->handled() == 10 && total_lag() == 0; }, 20s)) << total_lag();
}

// A batch handler that handles only the front of each batch (and, once, none without
// throwing) gets the rest again, from the first unhandled event, in order; nothing it
// reported handled comes again. A backlog comes in batches of more than one event.
TEST_P(BusConformance, BatchHandlerThatHandlesPartOfABatchGetsTheRestAgainInOrder) {
  publish(400, 8);
  std::mutex mutex;
  std::vector<Event> handled;
  std::size_t largest = 0, calls = 0;
  auto sub = bus_->subscribe_batches(options("g", "m1"), [&](std::span<const Event> events) -> std::size_t {
    std::lock_guard lock(mutex);
    largest = std::max(largest, events.size());
    if (++calls == 2) return 0;  // not handled, no exception: all of it comes again
    const auto take = (events.size() + 1) / 2;
    handled.insert(handled.end(), events.begin(), events.begin() + static_cast<std::ptrdiff_t>(take));
    return take;
  });
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return handled.size() >= published_;
  }));
  EXPECT_TRUE(eventually([&] { return sub->handled() == published_; }));  // counted: the prefixes only
  std::lock_guard lock(mutex);
  EXPECT_EQ(handled.size(), published_) << "an event reported handled came again";
  // Per key, exactly 0, 1, 2, ...: no gap (an unhandled event skipped) and no repeat.
  std::map<std::string, std::int64_t> next;
  for (const auto& e : handled) EXPECT_EQ(seq_of(e), next[e.key]++) << "key " << e.key;
  EXPECT_GT(largest, 1u) << "a backlog was handed over one event at a time";
}

// A subscription naming the types it wants gets every event of them once, in order per key,
// even handling only the front of each batch; the log bus passes the other types over (Kafka
// may hand them over too). Passed-over events still move the group's position: a member that
// comes back gets only what is new.
TEST_P(BusConformance, SubscriptionNamingTypesGetsEachOfThemOnceAndOnlyWhatIsNewAfterRestart) {
  const auto publish_mixed = [this](int count) {
    auto events = make(count, 8);
    for (std::size_t i = 0; i < events.size(); ++i) events[i].type = i % 3 == 0 ? "Wanted" : "Other";
    bus_->publish(events);
    std::vector<Event> wanted;
    std::copy_if(events.begin(), events.end(), std::back_inserter(wanted), [](const Event& e) { return e.type == "Wanted"; });
    return wanted;
  };
  std::mutex mutex;
  std::vector<Event> wanted_handled;
  std::size_t others = 0;
  auto options_wanted = options("g", "m1");
  options_wanted.types = {"Wanted"};
  const auto subscribe = [&] {
    return bus_->subscribe_batches(options_wanted, [&](std::span<const Event> events) -> std::size_t {
      std::lock_guard lock(mutex);
      const auto take = (events.size() + 1) / 2;
      for (std::size_t i = 0; i < take; ++i) {
        if (events[i].type == "Wanted") wanted_handled.push_back(events[i]);
        else ++others;
      }
      return take;
    });
  };
  const auto handled_count = [&] {
    std::lock_guard lock(mutex);
    return wanted_handled.size();
  };
  auto expected = publish_mixed(300);
  auto sub = subscribe();
  ASSERT_TRUE(eventually([&] { return handled_count() >= expected.size(); }));
  sub.reset();  // a clean stop: positions committed
  const auto more = publish_mixed(30);
  expected.insert(expected.end(), more.begin(), more.end());
  sub = subscribe();
  ASSERT_TRUE(eventually([&] { return handled_count() >= expected.size(); }));
  sub.reset();
  std::lock_guard lock(mutex);
  std::vector<std::string> got, want;
  for (const auto& e : wanted_handled) got.push_back(e.id);
  for (const auto& e : expected) want.push_back(e.id);
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want) << "a wanted event missed or repeated";
  expect_order_per_key(key_seqs([&] {
    std::vector<Recorder::Entry> entries;
    for (const auto& e : wanted_handled) entries.push_back({"m1", e});
    return entries;
  }()));
  if (GetParam().name == "log") {
    EXPECT_EQ(others, 0u) << "the log bus handed over a type nobody asked for";
  }
}

TEST_P(BusConformance, TwoMembersInOneProcessSplitTheStream) {
  Recorder recorder;
  auto a = bus_->subscribe(options("g", "a"), recorder.handler("a"));
  auto b = bus_->subscribe(options("g", "b"), recorder.handler("b"));
  auto members = [&] {
    std::set<std::string> seen;
    for (const auto& entry : recorder.log()) seen.insert(entry.member);
    return seen;
  };
  warm_up(members, [&] { return recorder.size(); }, 2);
  const auto before = recorder.size();
  publish(600, 40);
  ASSERT_TRUE(eventually([&] { return recorder.size() >= published_; }));

  const auto log = recorder.log();
  EXPECT_EQ(log.size(), published_) << "an event was handled twice";
  std::set<std::string> ids;
  for (const auto& entry : log) ids.insert(entry.event.id);
  EXPECT_EQ(ids.size(), published_) << "an event is missing";
  expect_order_per_key(key_seqs(log));
  std::map<std::string, std::set<std::string>> members_of_key;
  for (std::size_t i = before; i < log.size(); ++i) members_of_key[log[i].event.key].insert(log[i].member);
  std::map<std::string, int> keys_of_member;
  for (const auto& [key, m] : members_of_key) {
    EXPECT_EQ(m.size(), 1u) << "key " << key << " handled by two members";
    ++keys_of_member[*m.begin()];
  }
  EXPECT_EQ(keys_of_member.size(), 2u) << "one member got everything";
  EXPECT_TRUE(eventually([&] { return a->handled() + b->handled() == published_; }));
}

// A member joins, then stops, while the stream flows. Each clean hand-over commits what was
// handled and hands over what was not, so every event is handled once, in order per key,
// across the members. (On Kafka a revocation may also land while a batch is being gathered:
// its records must be dropped, not handled. That window is narrow; this test rarely hits it.)
TEST_P(BusConformance, AMemberJoiningAndLeavingMidStreamRepeatsNothing) {
  Recorder recorder;
  auto handled_by = [&](const std::string& member) {
    const auto log = recorder.log();
    const auto by = [&](const auto& entry) { return entry.member == member; };
    return static_cast<std::size_t>(std::count_if(log.begin(), log.end(), by));
  };
  auto a = bus_->subscribe(options("g", "a"), recorder.handler("a"));
  std::atomic<bool> flowing{true};
  std::jthread publisher([&] {
    for (int i = 0; flowing && i < 3000; ++i) publish(10, 40, 10);  // the cap only bounds a failing run
  });
  ASSERT_TRUE(eventually([&] { return handled_by("a") >= 300; }));
  auto b = bus_->subscribe(options("g", "b"), recorder.handler("b"));
  ASSERT_TRUE(eventually([&] { return handled_by("b") >= 100; }));
  const auto a_before = handled_by("a");
  b.reset();  // a clean stop: b's partitions go back to a
  ASSERT_TRUE(eventually([&] { return handled_by("a") >= a_before + 300; }));
  flowing = false;
  publisher.join();
  ASSERT_TRUE(eventually([&] { return recorder.size() >= published_; }));

  const auto log = recorder.log();
  std::set<std::string> ids;
  for (const auto& entry : log) ids.insert(entry.event.id);
  EXPECT_EQ(ids.size(), published_) << "an event is missing";
  EXPECT_EQ(log.size(), published_) << "an event was handled twice";
  expect_order_per_key(key_seqs(log));
}

// --- Members as real processes (tests/programs/bus_member) -------------------------------

hexa::Schema effects() {
  return {"effects",
          {{"eventId", hexa::Kind::Text}, {"member", hexa::Kind::Text},
           {"key", hexa::Kind::Text}, {"seq", hexa::Kind::Integer}}};
}
hexa::Schema redeliveries() {
  return {"redeliveries", {{"eventId", hexa::Kind::Text}, {"member", hexa::Kind::Text}}};
}

class MemberProcesses {
 public:
  MemberProcesses(const std::string& bus_url, const std::filesystem::path& dir)
      : bus_url_(bus_url), store_url_("sqlite:" + (dir / "effects.db").string()) {
    store_ = hexa::open_store(store_url_);
    store_->migrate(effects());
    store_->migrate(redeliveries());
  }
  void start(const std::string& member) {
    members_[member] = std::make_unique<hexa::testing::ChildProcess>(std::vector<std::string>{
        hexa::testing::helper_program("bus_member").string(), bus_url_, store_url_, "g", "orders",
        member});
  }
  void kill(const std::string& member) {
    members_.at(member)->signal(SIGKILL);
    members_.at(member)->wait();
    members_.erase(member);
  }
  void stop_all() {
    for (auto& [name, child] : members_) child->signal(SIGTERM);
    for (auto& [name, child] : members_) EXPECT_TRUE(WIFEXITED(child->wait())) << name;
    members_.clear();
  }
  std::vector<hexa::Record> rows(const hexa::Schema& s) {
    auto tx = store_->begin(hexa::Access::Read);
    return tx->select(s, {});  // in commit order (by id)
  }
  std::size_t count(const hexa::Schema& s) {
    auto tx = store_->begin(hexa::Access::Read);
    return static_cast<std::size_t>(tx->count(s, {}));
  }
  std::set<std::string> members_with_effects() {
    std::set<std::string> out;
    for (const auto& r : rows(effects())) out.insert(std::get<std::string>(r.at("member")));
    return out;
  }

 private:
  std::string bus_url_, store_url_;
  std::unique_ptr<hexa::Store> store_;
  std::map<std::string, std::unique_ptr<hexa::testing::ChildProcess>> members_;
};

struct EffectsSummary {
  std::size_t rows = 0;
  std::set<std::string> ids;
  std::vector<std::pair<std::string, std::int64_t>> key_seqs;
};

EffectsSummary summarize(const std::vector<hexa::Record>& rows) {
  EffectsSummary out;
  out.rows = rows.size();
  for (const auto& r : rows) {
    out.ids.insert(std::get<std::string>(r.at("eventId")));
    out.key_seqs.emplace_back(std::get<std::string>(r.at("key")), std::get<std::int64_t>(r.at("seq")));
  }
  return out;
}

TEST_P(BusConformance, TwoMemberProcessesSplitTheStream) {
  MemberProcesses members(url_, dir_);
  members.start("a");
  members.start("b");
  warm_up([&] { return members.members_with_effects(); }, [&] { return members.count(effects()); }, 2);
  publish(1000, 50);
  ASSERT_TRUE(eventually([&] { return members.count(effects()) >= published_; }));
  members.stop_all();

  const auto summary = summarize(members.rows(effects()));
  EXPECT_EQ(summary.rows, published_);
  EXPECT_EQ(summary.ids.size(), published_);
  EXPECT_EQ(members.count(redeliveries()), 0u) << "a clean split handles no event twice";
  expect_order_per_key(summary.key_seqs);
}

TEST_P(BusConformance, KilledMemberProcessResumesWithEffectsExactlyOnce) {
  MemberProcesses members(url_, dir_);
  members.start("a");
  members.start("b");
  warm_up([&] { return members.members_with_effects(); }, [&] { return members.count(effects()); }, 2);
  const auto warm = published_;
  // Publish while the members consume: a fast bus (Kafka) would otherwise have handled the
  // whole stream before the kill, and the kill must land mid-stream.
  std::jthread publisher([&] { publish(4000, 50); });
  ASSERT_TRUE(eventually([&] { return members.count(effects()) >= warm + 400; }));
  members.kill("a");  // mid-stream, possibly inside a handler's transaction
  const auto at_kill = members.count(effects());
  publisher.join();
  members.start("a");
  publish(1000, 50);
  ASSERT_TRUE(eventually([&] { return members.count(effects()) >= published_; }, 30s))
      << members.count(effects()) << " of " << published_;
  members.stop_all();

  EXPECT_LT(at_kill, published_ - 1000) << "the kill came after the stream had ended";
  const auto summary = summarize(members.rows(effects()));
  EXPECT_EQ(summary.ids.size(), published_) << "distinct ids handled";
  EXPECT_EQ(summary.rows - summary.ids.size(), 0u) << "duplicate effects";
  expect_order_per_key(summary.key_seqs);
  RecordProperty("redeliveries", static_cast<int>(members.count(redeliveries())));
  RecordProperty("effects_at_kill", static_cast<int>(at_kill));
}

INSTANTIATE_TEST_SUITE_P(Buses, BusConformance, ::testing::ValuesIn(kTargets),
                         [](const auto& info) { return info.param.name; });

}  // namespace
