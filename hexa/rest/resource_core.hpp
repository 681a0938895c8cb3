#pragma once
// A REST resource over a declared aggregate, with Spring Data REST's conventions:
// POST 201 + Location, GET item / collection (_embedded, page, paging, sorting), PUT, PATCH,
// DELETE where allowed (else 405 with the reason), _links.self.href, search/findByXxx, and
// Spring Boot's error JSON. Works on Records; Resource<T> (resource.hpp) is its typed face.
//
// Items are addressed by the model's key (model.hpp): /contracts/{id}, or a natural key,
// /rooms/{roomNumber}; _links.self and Location are built from it, and "id" (the row id) is
// not shown when another field is the key. A given natural key that is not assigned is ignored
// on POST (the framework numbers items) unless post_updates_by_key; an assigned one already
// taken is 409. A body may not change an item's key (400).
//
// Commands: PATCH {field: value} runs the command named by that pair instead of assigning it.
// A guarded command (CommandGuard) needs another service's yes first: no change without it,
// one command pending per item (a second write meanwhile is 409), and an unknown outcome is
// settled by reconcile() (see CommandGuard). A field with {.settled = true} (an amount agreed
// with pay) is given on create and then changed by a command only: PATCH/PUT changing it is
// 409 with the reason, nothing changed (sending its current value is fine). A command may be
// limited to callers holding a role, or to other services (CommandAccess): else 403.
//
// Unknown outcomes: every refusal is true. A guarded creation or command answers
//   - 201/200 when the callee said yes (the change is made),
//   - 503 + Retry-After + the fallback message only when the callee certainly did not act
//     (connection refused, breaker open, bulkhead full, no time left, it answered 5xx): nothing
//     stored, nothing changed, nothing to settle; a 4xx from the callee: its refusal, unchanged;
//   - 202 Accepted + Location when the callee may have acted (timeout after sending, connection
//     lost, hexa::Uncertain): the item exists, pending. GET at Location shows it with
//     "_pending": true (a command also with "_pendingCommand": {field: value}); writes to it
//     are 409 meanwhile; collections and searches list only settled items. Once the deadline
//     and a margin have passed, reconcile() asks the callee (`confirmed`): yes completes it
//     (on_created / the command's `then`, events raised), no removes the creation (GET: 404) or
//     clears the command (GET: the state before), and "cannot tell" asks again next round,
//     across restarts. A retry under the same Idempotency-Key gets the same 202. The question
//     runs in a QuestionScope: its calls wait clients.<callee>.reconcile-timeout-ms, longer
//     than the call it asks about, so a callee that answers later than that call could wait
//     still settles it; a question that fails anyway is "cannot tell" for that item only.
// The choice is to tell the truth rather than to undo: the callee's effect is never voided.
//
// Seed-compatible writes, opt-in: post_updates_by_key (a POST naming an existing key updates
// that item as a PUT with commands would: equal values are left alone, a changed command field
// runs its command, a changed read-only field is 400; an unknown key is 404) and
// put_runs_commands (a PUT changing a command field runs it; other read-only fields changed: 400).
//
// Live: GET /<collection>/live is an event stream of the collection's committed changes, each
// row as GET shows it, under the same ownership (live_feed.hpp); a natural key "live" is
// shadowed by it.
//
// Idempotency-Key: a POST or PATCH carrying the header answers, when the key was seen before on
// this collection, the answer saved then (status, body, Location), without acting again. The key
// and its answer commit in the effect's own transaction (table _idempotency).
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hexa/domain/transactor.hpp"
#include "hexa/http/message.hpp"
#include "hexa/model/model.hpp"
#include "hexa/rest/json_mapping.hpp"
#include "hexa/runtime/router.hpp"

namespace hexa::rest {

using RecordHook = std::function<void(Record&, UnitOfWork&)>;

// A command that needs another service's yes before the change counts (reservation ->
// payment). The item is first marked with the pending command (one per item), after a dry run
// of `then` (a refusal is 409 before anyone is asked); `confirm` is called outside any
// transaction; then `then` runs in one transaction with the marker cleared. `confirm` throws
// Unavailable for a certain no (callee down, breaker open, bulkhead full): the marker is cleared
// and the answer is 503 + Retry-After + `fallback`, nothing changed; another hexa::Error (the
// callee refused) clears it and is answered as it is. Uncertain (or any other exception) leaves
// the marker and answers 202 + Location (the item, "_pending": true): once the deadline and a
// margin have passed, reconcile() asks `confirmed`: yes runs `then`, no clears the marker,
// nullopt asks again next round. The same happens after a crash.
struct CommandGuard {
  std::function<void(const Record&, std::int64_t deadline_ms)> confirm;
  std::function<std::optional<bool>(const Record&)> confirmed;
  RecordHook then;
  std::string fallback;
  std::int64_t timeout_ms = 5000;  // bounds the whole confirm (the Remote's own timeout is per attempt)
};

// Who may run a command (caller.hpp says how a service knows who calls). A refused caller gets
// 403 with the reason before anything is read or asked: nothing changes.
struct CommandAccess {
  // Non-empty: a caller the gateway checks (security on) needs one of these roles. Service calls
  // and a gateway that checks nobody (the open default profile) are let through.
  std::vector<std::string> roles;
  // Non-empty: the value is the service's to set (another service asks for it, a policy sets it
  // in its own unit of work); every caller from outside is refused, in every profile, with
  // this reason ("a booking becomes Printed when its ticket is printed").
  std::string services_only;
};

// PATCH {field: value} runs a domain command instead of a plain assignment.
struct Command {
  std::string field;
  std::string value;
  RecordHook run;                    // a plain command (in the request's transaction)
  std::optional<CommandGuard> guard;  // or a guarded one
  CommandAccess access;
};

// A creation that needs another service's yes before it counts (contract -> pay). The new row
// is kept pending (not listed; GET shows "_pending": true) while asking; `confirm` throws
// Unavailable for a certain no (503, row removed) and Uncertain when the far side may have
// acted (202 + Location, row kept pending). Pending rows are settled by a reconciler asking
// `confirmed`: yes completes them, no deletes them, nullopt asks again later.
struct Guard {
  std::function<void(const Record&, std::int64_t deadline_ms)> confirm;
  std::function<std::optional<bool>(const Record&)> confirmed;
  std::string fallback_message;
  std::int64_t timeout_ms = 2000;
};

struct ResourceSpec {
  const ModelInfo* model = nullptr;
  std::function<Record()> blank;  // a new aggregate's defaults
  RecordHook on_created;          // after insert, same transaction (JPA's @PostPersist)
  RecordHook on_updated;          // after a plain PUT/PATCH change (@PostUpdate)
  std::vector<Command> commands;
  std::map<http::Verb, std::string> denied;  // verb -> reason for 405
  std::vector<std::string> finders;          // findByXxx fields
  std::optional<std::string> idempotent_on;  // POST with a known value answers the existing row
  std::optional<Guard> guard;
  std::optional<std::string> owner;          // the field naming each row's owner (ownership.hpp)
  bool served = true;                        // false: a local view, stored but given no routes
  bool post_updates_by_key = false;          // a POST naming an existing key updates it
  bool put_runs_commands = false;            // a PUT changing a command field runs it
};

class LiveFeed;

class ResourceCore {
 public:
  ResourceCore(ResourceSpec spec, Transactor& transactor);
  // None when the spec is not served. With a feed: /<collection>/live too.
  void add_routes(Router& router, LiveFeed* feed = nullptr);
  Schema storage_schema() const;  // the model's schema, plus the pending markers when guarded
  void migrate();                 // storage_schema() and the _idempotency table
  // Settles pending creations and commands whose deadline has passed; returns how many.
  int reconcile();
  bool guarded() const;           // worth reconciling

 private:
  enum class Changes { Patch, Seed };  // Seed: POST-as-update and PUT: equal values left alone

  http::Response create(const http::Request& req);
  http::Response create_guarded(const http::Request& req, Record r);
  http::Response get(const http::Request& req, const Value& key);
  http::Response list(const http::Request& req, Query query, const std::string& self_path);
  http::Response search(const http::Request& req, const std::string& finder);
  http::Response replace(const http::Request& req, const Value& key);
  http::Response patch(const http::Request& req, const Value& key);
  http::Response remove(const http::Request& req, const Value& key);
  http::Response change(const http::Request& req, const Value& key, const Record& changes, Changes how);
  http::Response run_guarded(const http::Request& req, const Value& key, const Record& changes,
                             const Command& cmd);

  // The caller's name when it may see only its own rows (ownership.hpp), else nullopt.
  using Owner = std::optional<std::string>;
  Owner owner_of_call(const http::Request& req) const;
  Record read_body(const http::Request& req, BodyMode mode, const Owner& owner) const;
  enum class Pending { Refused, Shown };  // a pending creation: 409 for writes, shown to reads
  Record visible(UnitOfWork& uow, const Value& key, const Owner& owner, Pending pending = Pending::Refused) const;
  http::Response accepted(const http::Request& req, const Record& pending);  // 202 + Location
  Value key_of(const std::string& text) const;

  Record insert_pending(UnitOfWork& uow, Record r, std::int64_t until_ms);
  Record complete(std::int64_t id, const std::function<void(UnitOfWork&, const Record&)>& also = {});
  int reconcile_creations();
  int reconcile_commands();
  void settle_command(Record row);
  const Command* command_for(const std::string& field, const Value& value) const;
  const Command* guarded_in(const Record& changes) const;
  void admit(const Command& cmd, const http::Request& req) const;  // 403 for a caller it is not for
  void apply_changes(const http::Request& req, Record& current, const Record& changes, Changes how, UnitOfWork& uow);
  void refuse_if_pending(const Record& current) const;
  void set_marker(std::int64_t id, const Value& command, const Value& until);
  http::Response item_response(const http::Request& req, http::Status status, const Record& r);
  Json representation(const Record& r, const std::string& base) const;  // an item as GET shows it
  void live(const http::Request& req, http::Responder respond, LiveFeed& feed);
  std::string self_href(const std::string& base, const Record& r) const;

  // Idempotency-Key: the saved answer, and a write that saves its answer with its effect.
  std::optional<http::Response> saved_answer(const http::Request& req);
  std::optional<http::Response> saved_answer(const http::Request& req, UnitOfWork& uow);
  void remember(UnitOfWork& uow, const http::Request& req, const http::Response& res);
  void forget(UnitOfWork& uow, const http::Request& req);  // a refusal: the key may be tried again
  template <class F>
  http::Response write_answer(const http::Request& req, F&& f);

  ResourceSpec spec_;
  Transactor& tx_;
  Schema schema_;
  std::string base_path_;
};

// The absolute URL prefix the caller used (Host / X-Forwarded-*), e.g. "http://localhost:8088".
std::string base_url(const http::Request& req);
std::int64_t parse_id(const std::string& text);  // throws NotFound for non-numbers
// Spring Data REST's name of the search by `field`: "contractId" -> "findByContractId"
// (GET /<collection>/search/findByContractId?contractId=...).
std::string finder_name(const std::string& field);
std::string url_encode(std::string_view text);    // for a path segment or a query value
std::optional<std::int64_t> request_deadline(const http::Request& req);
inline constexpr const char* kDeadlineHeader = "X-Request-Deadline";

}  // namespace hexa::rest
