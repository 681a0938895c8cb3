#pragma once
// Live views: GET /<collection>/live on every collection a service serves (a resource or a
// view) answers text/event-stream (hexa/http/event_stream.hpp), and after each committed
// change to one of its rows sends
//   event: change\ndata: <the row as GET /<collection>/<key> shows it, _links included>\n\n
// or `event: deleted` with the row as it was, whoever made the change (a REST write, an
// event applied to a view, a reconciler): the feed hears of commits from the store itself
// (hexa/store/watched_store.hpp). A ": live" comment says the subscription is in place, and
// ": keep-alive" comments follow every heartbeat (15 s) so idle connections stay open.
// Ownership (ownership.hpp) holds: a caller limited to its own rows (X-Auth-Owner) hears of
// its own rows only. A row changed twice quickly may be sent once, in its latest state;
// what happened before the subscription is not replayed (read the collection after ": live").
// The rows are read and sent on the feed's own thread: writers only queue what they changed.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "hexa/http/event_stream.hpp"
#include "hexa/model/value.hpp"
#include "hexa/store/watched_store.hpp"

namespace hexa::rest {

// What the feed needs of one served collection (ResourceCore gives it).
struct LiveCollection {
  std::string table;
  std::optional<std::string> owner_field;                            // ownership.hpp
  std::function<std::optional<Record>(std::int64_t id)> read;        // the committed row, if any
  std::function<std::string(const Record&, const std::string& base_url)> render;  // as GET shows it
};

class LiveFeed : public ChangeWatcher {
 public:
  explicit LiveFeed(std::chrono::milliseconds heartbeat = std::chrono::seconds(15));
  ~LiveFeed() override;  // stop()
  LiveFeed(const LiveFeed&) = delete;
  LiveFeed& operator=(const LiveFeed&) = delete;

  void add(LiveCollection collection);
  void start();  // the feed's thread
  void stop();   // joins it; the streams stay as they are (the server ends them)

  struct Subscriber {
    std::shared_ptr<http::EventStream> stream;
    std::string base_url;              // links are built with the address the caller used
    std::optional<std::string> owner;  // set: only rows whose owner field holds it
  };
  // From now on, `s` hears of every committed change to `table`'s rows; it is sent ": live".
  void subscribe(const std::string& table, Subscriber s);
  std::size_t subscribers() const;

  bool watches(const std::string& table) const override;
  void committed(std::vector<RowChange> changes) override;

 private:
  void run();
  void publish(const RowChange& change);
  void heartbeat();
  static bool sees(const Subscriber& s, const LiveCollection& c, const Record& row);

  const std::chrono::milliseconds heartbeat_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, LiveCollection> collections_;                 // by table
  std::map<std::string, std::vector<Subscriber>> subscribers_;        // by table
  std::atomic<std::size_t> subscribed_{0};                           // all tables: a cheap "none"
  std::deque<RowChange> pending_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace hexa::rest
