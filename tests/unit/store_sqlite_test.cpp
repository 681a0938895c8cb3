// SQLite engine specifics beyond the store conformance suite: URL options, read-only
// transactions, and background checkpoints keeping the WAL bounded.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

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
