#include "hexa/store/sqlite_checkpointer.hpp"

#include <spdlog/spdlog.h>

namespace hexa::sqlite {

void CheckpointRequests::raise() {
  {
    std::lock_guard lock(mutex_);
    if (raised_) return;  // already pending: no wake-up per commit
    raised_ = true;
  }
  cv_.notify_one();
}

bool CheckpointRequests::next() {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return raised_ || stopped_; });
  if (stopped_) return false;
  raised_ = false;
  return true;
}

bool CheckpointRequests::rest(std::chrono::milliseconds pause) {
  std::unique_lock lock(mutex_);
  return !cv_.wait_for(lock, pause, [&] { return stopped_; });
}

void CheckpointRequests::stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  cv_.notify_all();
}

Checkpointer::Checkpointer(const std::vector<std::string>& paths, OpenOptions options) {
  options.checkpoints.reset();  // its own connections checkpoint, they do not ask
  for (const auto& path : paths) dbs_.push_back(std::make_unique<Database>(path, options));
  thread_ = std::thread([this] { run(); });
}

Checkpointer::~Checkpointer() {
  requests_->stop();
  thread_.join();
}

OpenOptions Checkpointer::served(OpenOptions options) const {
  options.checkpoints = requests_;
  return options;
}

void Checkpointer::run() noexcept {
  constexpr std::chrono::milliseconds kMinInterval{100};
  while (requests_->next()) {
    for (auto& db : dbs_) {
      try {
        db->checkpoint_passive();  // busy: another process's checkpointer is at it
      } catch (const std::exception& e) {
        spdlog::warn("SQLite checkpoint: {}", e.what());
      }
    }
    if (!requests_->rest(kMinInterval)) return;
  }
}

}  // namespace hexa::sqlite
