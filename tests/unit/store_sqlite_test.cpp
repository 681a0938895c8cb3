// SQLite engine specifics beyond the store conformance suite: URL options, read-only
// transactions, group commit of concurrent writers, and background checkpoints keeping the
// WAL bounded.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "hexa/model/errors.hpp"
#include "hexa/store/store.hpp"

namespace {

using namespace std::chrono_literals;

hexa::Schema notes() { return {"notes", {{"text", hexa::Kind::Text}}}; }

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("hexa-sqlite-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
            "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string url(const std::string& query = "") const { return "sqlite:" + (dir_ / "a" / "b.db").string() + query; }
  std::filesystem::path dir_;
};

TEST_F(SqliteStoreTest, UrlOptionsAreCheckedAndFoldersCreated) {
  EXPECT_NO_THROW(hexa::open_store(url("?pool=2&busy_timeout_ms=100&sync=full")));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "a" / "b.db"));
  EXPECT_THROW(hexa::open_store(url("?pool=0")), hexa::Invalid);
  EXPECT_THROW(hexa::open_store(url("?sync=sometimes")), hexa::Invalid);
  EXPECT_THROW(hexa::open_store(url("?pool=many")), hexa::Invalid);
  EXPECT_THROW(hexa::open_store("sqlite:"), hexa::Invalid);
  EXPECT_THROW(hexa::open_store("oracle://db"), hexa::Invalid);
}

TEST_F(SqliteStoreTest, AReadTransactionRefusesWritesAndACommittedOneIsClosed) {
  auto store = hexa::open_store(url());
  store->migrate(notes());
  auto read = store->begin(hexa::Access::Read);
  EXPECT_THROW(read->insert(notes(), {{"text", std::string("x")}}), std::logic_error);
  EXPECT_THROW(read->first_delivery("c", "e"), std::logic_error);
  auto write = store->begin();
  write->insert(notes(), {{"text", std::string("x")}});
  write->commit();
  EXPECT_THROW(write->commit(), std::logic_error);
  EXPECT_THROW(write->find(notes(), 1), std::logic_error);
}

// Writers on many threads at once: they share commits (group commit), yet each commit returns
// only once its own change is committed (another connection sees it), and a writer that rolls
// back loses its own change only, whoever it shared the transaction with.
TEST_F(SqliteStoreTest, ConcurrentWritersCommitTogetherAndRollBackAlone) {
  auto store = hexa::open_store(url());
  store->migrate(notes());
  constexpr int kThreads = 8, kWrites = 150;
  std::atomic<int> invisible_after_commit{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        const bool keep = (i + t) % 3 != 0;  // every third write gives up
        const std::string text = (keep ? "kept-" : "dropped-") + std::to_string(t) + "-" + std::to_string(i);
        std::int64_t id = 0;
        {
          auto tx = store->begin();
          id = tx->insert(notes(), {{"text", text}});
          if (keep) tx->commit();
        }
        if (!keep) continue;
        auto read = store->begin(hexa::Access::Read);
        const auto row = read->find(notes(), id);
        if (!row || std::get<std::string>(row->at("text")) != text) ++invisible_after_commit;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(invisible_after_commit.load(), 0);
  auto read = store->begin(hexa::Access::Read);
  int kept = 0;
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kWrites; ++i) kept += (i + t) % 3 != 0;
  const auto rows = read->select(notes(), {});
  ASSERT_EQ(static_cast<int>(rows.size()), kept);
  for (const auto& row : rows) EXPECT_EQ(std::get<std::string>(row.at("text")).rfind("kept-", 0), 0u);
}

TEST_F(SqliteStoreTest, BackgroundCheckpointsMoveTheWalIntoTheDatabase) {
  auto store = hexa::open_store(url());
  store->migrate(notes());
  const std::string text(2000, 'x');  // about half a page per row
  for (int i = 0; i < 12000; ++i) {   // 24 MB of rows, some 120 MB of pages through the WAL
    auto tx = store->begin();
    tx->insert(notes(), {{"text", text}});
    tx->commit();
  }
  const auto db_file = dir_ / "a" / "b.db";
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::filesystem::file_size(db_file) < 20'000'000 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(5ms);
  EXPECT_GE(std::filesystem::file_size(db_file), 20'000'000u) << "checkpoints did not run";
  // A burst grows the WAL to about the 10000-page backstop (~40 MB), not with what was written.
  EXPECT_LT(std::filesystem::file_size(dir_ / "a" / "b.db-wal"), 64'000'000u) << "the WAL kept growing";
}

}  // namespace
