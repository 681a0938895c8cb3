// REST resources from a declared aggregate, on a real SQLite store: Spring Data REST's
// conventions, commands with 409 on illegal transitions, and guarded creation.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <filesystem>
#include <map>
#include <fmt/format.h>
#include <random>
#include <thread>

#include "hexa/client/question_scope.hpp"
#include "hexa/client/step_context.hpp"
#include "hexa/domain.hpp"
#include "hexa/rest/json_mapping.hpp"
#include "hexa/rest/resource.hpp"
#include "hexa/store/store.hpp"
#include "support/eventually.hpp"

namespace {

struct Contract {
  static constexpr std::string_view name = "Contract";
  std::int64_t id = 0;
  std::string custName;
  std::int64_t amt = 0;
  std::string status = "contracted";
  static hexa::Fields<Contract> fields() {
    return {hexa::field("id", &Contract::id),
            hexa::field("custName", &Contract::custName, {.required = true}),
            hexa::field("amt", &Contract::amt, {.required = true, .min = 1}),
            hexa::field("status", &Contract::status, {.read_only = true})};
  }
  void cancel() {
    if (status == "cancelled") throw hexa::Conflict("already cancelled");
    status = "cancelled";
  }
};
using ContractCanceled = hexa::EventOf<Contract, "ContractCanceled", "id">;
using ContractCompleted = hexa::EventOf<Contract, "ContractCompleted", "id">;

struct Apply {  // money with fractions and a date, as e-learning and shop12st carry them
  static constexpr std::string_view name = "Apply";
  std::int64_t id = 0;
  hexa::Decimal amount;
  hexa::Timestamp appliedAt;
  static hexa::Fields<Apply> fields() {
    return {hexa::field("id", &Apply::id), hexa::field("amount", &Apply::amount, {.required = true}),
            hexa::field("appliedAt", &Apply::appliedAt)};
  }
};

struct Paid {  // an amount settled with another service when created
  static constexpr std::string_view name = "Paid";
  std::int64_t id = 0;
  std::int64_t amt = 0;
  std::string note;
  static hexa::Fields<Paid> fields() {
    return {hexa::field("id", &Paid::id), hexa::field("amt", &Paid::amt, {.required = true, .settled = true}),
            hexa::field("note", &Paid::note)};
  }
};

}  // namespace

// Each contract is its customer's. Only callers the gateway limits (X-Auth-Owner) see a
// difference: every test without that header is the unlimited case.
template <>
inline constexpr std::string_view hexa::owner_field<Contract> = "custName";

namespace {

using hexa::http::Request;
using hexa::http::Response;
using hexa::http::Verb;
using Json = hexa::rest::Json;

class ResourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("resource-test-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    store_ = hexa::open_store("sqlite:" + (dir_ / "db.sqlite").string());
    tx_ = std::make_unique<hexa::Transactor>(*store_, hexa::EventSource{"contract", "test"}, [this] { ++notified_; });
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void serve(hexa::rest::ResourceSpec spec) {
    core_ = std::make_unique<hexa::rest::ResourceCore>(std::move(spec), *tx_);
    core_->migrate();
    core_->add_routes(router_);
  }

  Response call(Verb verb, const std::string& target, const std::string& body = "") { return call_as("", verb, target, body); }
  // As a caller limited to its own rows (none: `owner` empty).
  Response call_as(const std::string& owner, Verb verb, const std::string& target, const std::string& body = "") {
    if (owner.empty()) return call_with({}, verb, target, body);
    return call_with({{std::string(hexa::rest::kOwnerHeader), owner}}, verb, target, body);
  }
  // With the headers a gateway writes (X-Hexa-Gateway, X-Auth-Roles; rest/caller.hpp).
  Response call_with(const std::map<std::string, std::string>& headers, Verb verb, const std::string& target,
                     const std::string& body = "") {
    Request req{verb, target, 11};
    req.set(hexa::http::beast_http::field::host, "localhost:8088");
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = body;
    auto m = router_.match(verb, target);
    if (!m.route) return Response{m.path_known ? hexa::http::Status::method_not_allowed : hexa::http::Status::not_found, 11};
    try {
      return m.route->handler(req, m.params);
    } catch (const hexa::Error& e) {
      return Response{static_cast<hexa::http::Status>(e.status()), 11, e.what()};
    }
  }

  std::size_t outbox_size() { return store_->outbox_batch(1000).size(); }

  std::filesystem::path dir_;
  std::unique_ptr<hexa::Store> store_;
  std::unique_ptr<hexa::Transactor> tx_;
  std::unique_ptr<hexa::rest::ResourceCore> core_;
  hexa::Router router_;
  int notified_ = 0;
};

hexa::rest::ResourceSpec contracts() {
  hexa::rest::ResourceSpec spec;
  hexa::Resource<Contract>(spec)
      .command("status", "cancelled",
               [](Contract& c, hexa::UnitOfWork& uow) {
                 c.cancel();
                 uow.raise(hexa::copy_fields<ContractCanceled>(c));
               })
      .deny(hexa::Method::Delete, "contracts are cancelled, not deleted")
      .find_by("custName");
  return spec;
}

TEST_F(ResourceTest, PostCreatesWithLocationAndSelfLink) {
  serve(contracts());
  auto res = call(Verb::post, "/contracts", R"({"custName":"고객1","amt":"100"})");
  ASSERT_EQ(res.result_int(), 201) << res.body();
  EXPECT_EQ(res[hexa::http::beast_http::field::location], "http://localhost:8088/contracts/1");
  auto j = Json::parse(res.body());
  EXPECT_EQ(j["id"], 1);
  EXPECT_EQ(j["custName"], "고객1");
  EXPECT_EQ(j["amt"], 100);
  EXPECT_EQ(j["status"], "contracted");
  EXPECT_EQ(j["_links"]["self"]["href"], "http://localhost:8088/contracts/1");
  EXPECT_EQ(Json::parse(call(Verb::get, "/contracts/1").body())["custName"], "고객1");
}

TEST_F(ResourceTest, RejectedInputStoresNothing) {
  serve(contracts());
  EXPECT_EQ(call(Verb::post, "/contracts", R"({"custName":"a","amt":-1})").result_int(), 400);
  EXPECT_EQ(call(Verb::post, "/contracts", R"({"custName":"a"})").result_int(), 400);
  EXPECT_EQ(call(Verb::post, "/contracts", R"({"custName":"a","amt":)").result_int(), 400);
  EXPECT_EQ(call(Verb::get, "/contracts/1").result_int(), 404);
  EXPECT_EQ(call(Verb::get, "/contracts/abc").result_int(), 404);
  EXPECT_EQ(Json::parse(call(Verb::get, "/contracts").body())["page"]["totalElements"], 0);
}

TEST_F(ResourceTest, CollectionPagesAndSorts) {
  serve(contracts());
  for (int i = 1; i <= 5; ++i)
    ASSERT_EQ(call(Verb::post, "/contracts", R"({"custName":"c)" + std::to_string(i) + R"(","amt":)" + std::to_string(i * 10) + "}").result_int(), 201);
  auto j = Json::parse(call(Verb::get, "/contracts?page=1&size=2&sort=amt,desc").body());
  ASSERT_EQ(j["_embedded"]["contracts"].size(), 2u);
  EXPECT_EQ(j["_embedded"]["contracts"][0]["amt"], 30);
  EXPECT_EQ(j["_embedded"]["contracts"][1]["amt"], 20);
  EXPECT_EQ(j["page"], Json::parse(R"({"size":2,"totalElements":5,"totalPages":3,"number":1})"));
  EXPECT_EQ(call(Verb::get, "/contracts?sort=nope,asc").result_int(), 400);
  EXPECT_EQ(call(Verb::get, "/contracts?size=-1").result_int(), 400);
  auto found = Json::parse(call(Verb::get, "/contracts/search/findByCustName?custName=c3").body());
  ASSERT_EQ(found["_embedded"]["contracts"].size(), 1u);
  EXPECT_EQ(found["_embedded"]["contracts"][0]["amt"], 30);
}

TEST_F(ResourceTest, PatchRunsTheCommandOnceThenConflicts) {
  serve(contracts());
  ASSERT_EQ(call(Verb::post, "/contracts", R"({"custName":"a","amt":5})").result_int(), 201);
  const auto before = outbox_size();
  auto res = call(Verb::patch, "/contracts/1", R"({"status":"cancelled"})");
  ASSERT_EQ(res.result_int(), 200) << res.body();
  EXPECT_EQ(Json::parse(res.body())["status"], "cancelled");
  EXPECT_EQ(outbox_size(), before + 1);
  EXPECT_EQ(call(Verb::patch, "/contracts/1", R"({"status":"cancelled"})").result_int(), 409);
  EXPECT_EQ(outbox_size(), before + 1) << "a refused command raises nothing";
  EXPECT_EQ(call(Verb::patch, "/contracts/1", R"({"status":"contracted"})").result_int(), 400);
  EXPECT_EQ(call(Verb::delete_, "/contracts/1").result_int(), 405);
  EXPECT_EQ(call(Verb::patch, "/contracts/9", R"({"status":"cancelled"})").result_int(), 404);
}

TEST_F(ResourceTest, GuardRefusalStoresNothing) {
  auto spec = contracts();
  hexa::Resource<Contract>(spec).guarded_by(
      [](const Contract&, std::int64_t) { throw hexa::Unavailable("pay is down"); },
      [](const Contract&) { return std::optional<bool>(false); }, "payment is busy, please try again later", 100);
  serve(std::move(spec));
  auto res = call(Verb::post, "/contracts", R"({"custName":"a","amt":5})");
  EXPECT_EQ(res.result_int(), 503);
  EXPECT_EQ(res.body(), "payment is busy, please try again later");
  EXPECT_EQ(Json::parse(call(Verb::get, "/contracts").body())["page"]["totalElements"], 0);
  EXPECT_EQ(outbox_size(), 0u);
}

TEST_F(ResourceTest, UncertainOutcomeIsA202UntilReconciled) {
  auto spec = contracts();
  // The far side (pay) acted for "paid" only; the caller could not tell at the time.
  hexa::Resource<Contract>(spec)
      .guarded_by([](const Contract&, std::int64_t) { throw hexa::Uncertain("timed out"); },
                  [](const Contract& c) { return std::optional<bool>(c.custName == "paid"); },
                  "payment is busy", 0)
      .on_created([](Contract& c, hexa::UnitOfWork& uow) { uow.raise(hexa::copy_fields<ContractCompleted>(c)); });
  serve(std::move(spec));
  // The truth: accepted, not refused; the pending contract is at Location.
  auto first = call(Verb::post, "/contracts", R"({"custName":"paid","amt":5})");
  ASSERT_EQ(first.result_int(), 202) << first.body();
  EXPECT_EQ(first[hexa::http::beast_http::field::location], "http://localhost:8088/contracts/1");
  EXPECT_EQ(Json::parse(first.body())["_pending"], true);
  ASSERT_EQ(call(Verb::post, "/contracts", R"({"custName":"unpaid","amt":5})").result_int(), 202);
  auto followed = call(Verb::get, "/contracts/1");
  ASSERT_EQ(followed.result_int(), 200);
  EXPECT_EQ(Json::parse(followed.body())["_pending"], true) << followed.body();
  EXPECT_EQ(Json::parse(call(Verb::get, "/contracts").body())["page"]["totalElements"], 0) << "only settled ones listed";
  EXPECT_EQ(call(Verb::patch, "/contracts/1", R"({"status":"cancelled"})").result_int(), 409) << "not written while pending";
  EXPECT_EQ(outbox_size(), 0u);

  // Once the deadline and its margin have passed, the reconciler settles both.
  const auto give_up = hexa::now_ms() + 5000;
  int settled = 0;
  while (settled < 2 && hexa::now_ms() < give_up) {
    settled += core_->reconcile();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(settled, 2);
  auto completed = call(Verb::get, "/contracts/1");
  ASSERT_EQ(completed.result_int(), 200);
  EXPECT_FALSE(Json::parse(completed.body()).contains("_pending")) << completed.body();
  EXPECT_EQ(call(Verb::get, "/contracts/2").result_int(), 404) << "never paid: removed";
  EXPECT_EQ(Json::parse(call(Verb::get, "/contracts").body())["page"]["totalElements"], 1);
  EXPECT_EQ(outbox_size(), 1u) << "only the completed contract raised ContractCompleted";
}


// The reconciler's question is asked in a QuestionScope (its calls get reconcile-timeout-ms);
// a question that throws (the callee did not answer even then) cannot tell for its own row
// only: the other pending rows are still settled in the same round, and it is asked again.
TEST_F(ResourceTest, AFailingQuestionLeavesOnlyItsOwnRowPending) {
  auto spec = contracts();
  bool callee_answers = false;
  std::vector<bool> in_scope;
  hexa::Resource<Contract>(spec).guarded_by(
      [](const Contract&, std::int64_t) { throw hexa::Uncertain("timed out"); },
      [&](const Contract& c) -> std::optional<bool> {
        in_scope.push_back(hexa::QuestionScope::asking());
        if (c.custName == "slow" && !callee_answers) throw hexa::Uncertain("no answer within 3000 ms");
        return true;
      },
      "payment is busy", 0);
  serve(std::move(spec));
  ASSERT_EQ(call(Verb::post, "/contracts", R"({"custName":"slow","amt":5})").result_int(), 202);
  ASSERT_EQ(call(Verb::post, "/contracts", R"({"custName":"fast","amt":5})").result_int(), 202);

  int settled = 0;
  hexa::testing::eventually([&] { return (settled = core_->reconcile()) != 0; }, std::chrono::seconds(5));
  EXPECT_EQ(settled, 1) << "the row after the failing one is settled in the same round";
  EXPECT_EQ(Json::parse(call(Verb::get, "/contracts/1").body())["_pending"], true);
  EXPECT_FALSE(Json::parse(call(Verb::get, "/contracts/2").body()).contains("_pending"));
  callee_answers = true;
  EXPECT_EQ(core_->reconcile(), 1) << "asked again next round";
  EXPECT_FALSE(Json::parse(call(Verb::get, "/contracts/1").body()).contains("_pending"));
  ASSERT_FALSE(in_scope.empty());
  EXPECT_TRUE(std::all_of(in_scope.begin(), in_scope.end(), [](bool b) { return b; })) << "asked as a question";
  EXPECT_FALSE(hexa::QuestionScope::asking()) << "the scope ends with the question";
}

TEST_F(ResourceTest, ARetryOfA202UnderItsIdempotencyKeyAsksNobodyAgain) {
  auto spec = contracts();
  int asked = 0;
  hexa::Resource<Contract>(spec).guarded_by(
      [&asked](const Contract&, std::int64_t) {
        ++asked;
        throw hexa::Uncertain("timed out");
      },
      [](const Contract&) { return std::optional<bool>(); }, "payment is busy", 100);
  serve(std::move(spec));
  Request req{Verb::post, "/contracts", 11};
  req.set(hexa::http::beast_http::field::host, "localhost:8088");
  req.set(hexa::kIdempotencyKeyHeader, "sign-1");
  req.body() = R"({"custName":"a","amt":5})";
  auto handle = [&] {
    auto m = router_.match(Verb::post, "/contracts");
    return m.route->handler(req, m.params);
  };
  auto first = handle();
  auto retry = handle();
  EXPECT_EQ(first.result_int(), 202);
  EXPECT_EQ(retry.result_int(), 202);
  EXPECT_EQ(retry[hexa::http::beast_http::field::location], first[hexa::http::beast_http::field::location]);
  EXPECT_EQ(asked, 1) << "one contract, one payment asked";
}

// The client gave up waiting and retried under the same key while the callee was still asked:
// the retry is told "pending" (202, the same item), no second row is stored, nobody asked twice.
TEST_F(ResourceTest, ARetryUnderTheSameKeyWhileTheFirstIsAskingAddsNoSecondRow) {
  auto spec = contracts();
  std::atomic<int> asked = 0;
  std::promise<void> retried;
  auto retried_done = retried.get_future().share();
  hexa::Resource<Contract>(spec).guarded_by(
      [&asked, retried_done](const Contract&, std::int64_t) {
        ++asked;
        retried_done.wait_for(std::chrono::seconds(10));  // the callee answers after the retry
      },
      [](const Contract&) { return std::optional<bool>(true); }, "payment is busy", 5000);
  serve(std::move(spec));
  auto sign = [this] {
    Request req{Verb::post, "/contracts", 11};
    req.set(hexa::http::beast_http::field::host, "localhost:8088");
    req.set(hexa::kIdempotencyKeyHeader, "sign-1");
    req.body() = R"({"custName":"a","amt":5})";
    auto m = router_.match(Verb::post, "/contracts");
    return m.route->handler(req, m.params);
  };
  auto first = std::async(std::launch::async, sign);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (asked == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  ASSERT_EQ(asked, 1) << "the first is asking the callee";
  const auto retry = sign();
  retried.set_value();
  const auto done = first.get();
  EXPECT_EQ(retry.result_int(), 202) << retry.body();
  EXPECT_EQ(retry[hexa::http::beast_http::field::location], "http://localhost:8088/contracts/1");
  EXPECT_EQ(done.result_int(), 201) << done.body();
  EXPECT_EQ(asked, 1) << "the retry asked nobody";
  const auto rows = tx_->read([this](hexa::UnitOfWork& uow) { return uow.transaction().count(core_->storage_schema(), {}); });
  EXPECT_EQ(rows, 1) << "one row, pending or not";
  EXPECT_EQ(sign().result_int(), 201) << "a retry after the answer gets the answer";
}

TEST_F(ResourceTest, ASettledFieldIsChangedByNoPatchNorPut) {
  hexa::rest::ResourceSpec spec;
  hexa::Resource<Paid>{spec};
  serve(std::move(spec));
  ASSERT_EQ(call(Verb::post, "/paids", R"({"amt":100,"note":"x"})").result_int(), 201);
  auto changed = call(Verb::patch, "/paids/1", R"({"amt":1})");
  EXPECT_EQ(changed.result_int(), 409);
  EXPECT_NE(changed.body().find("settled"), std::string::npos) << changed.body();
  EXPECT_EQ(call(Verb::patch, "/paids/1", R"({"amt":1,"note":"y"})").result_int(), 409);
  EXPECT_EQ(call(Verb::put, "/paids/1", R"({"amt":2,"note":"y"})").result_int(), 409);
  EXPECT_EQ(call(Verb::put, "/paids/1", R"({"note":"y"})").result_int(), 400) << "required";
  auto j = Json::parse(call(Verb::get, "/paids/1").body());
  EXPECT_EQ(j["amt"], 100);
  EXPECT_EQ(j["note"], "x") << "nothing changed";
  EXPECT_EQ(call(Verb::patch, "/paids/1", R"({"amt":100,"note":"y"})").result_int(), 200) << "its own value may come along";
}

TEST_F(ResourceTest, MutatedBodiesGetA4xxOrACreateAndNeverStoreRefusals) {
  serve(contracts());
  const std::string valid = R"({"custName":"고객1","amt":100})";
  const std::string alphabet = "{}[]\":,0123456789-+.eE truefalsnul\\\xff\xc3";
  std::mt19937 random(20261121);  // seeded: the same cases every run
  int created = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string body = valid;
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits && !body.empty(); ++e) {
      const std::size_t at = random() % body.size();
      switch (random() % 3) {
        case 0: body.erase(at, 1 + random() % 3); break;
        case 1: body.insert(at, 1, alphabet[random() % alphabet.size()]); break;
        default: body[at] = alphabet[random() % alphabet.size()]; break;
      }
    }
    const auto res = call(Verb::post, "/contracts", body);
    const int status = static_cast<int>(res.result_int());
    ASSERT_TRUE(status == 201 || status == 400) << status << " for " << body;
    if (status == 201) ++created;
  }
  const auto page = Json::parse(call(Verb::get, "/contracts").body())["page"];
  EXPECT_EQ(page["totalElements"], created) << "only accepted bodies were stored";
  EXPECT_EQ(outbox_size(), 0u);
}

TEST_F(ResourceTest, ACallerLimitedToItsOwnRowsCreatesInItsNameOnly) {
  serve(contracts());
  auto mine = call_as("kim", Verb::post, "/contracts", R"({"amt":5})");
  ASSERT_EQ(mine.result_int(), 201) << mine.body();
  EXPECT_EQ(Json::parse(mine.body())["custName"], "kim") << "filled with the caller's name";
  EXPECT_EQ(call_as("kim", Verb::post, "/contracts", R"({"custName":"kim","amt":5})").result_int(), 201);
  auto other = call_as("kim", Verb::post, "/contracts", R"({"custName":"lee","amt":5})");
  EXPECT_EQ(other.result_int(), 403);
  EXPECT_EQ(other.body(), "field 'custName' can only be your own name, kim");
  EXPECT_EQ(Json::parse(call(Verb::get, "/contracts").body())["page"]["totalElements"], 2) << "the refusal stored nothing";
  EXPECT_EQ(call(Verb::post, "/contracts", R"({"amt":5})").result_int(), 400) << "unlimited callers name the owner";
}

TEST_F(ResourceTest, ACallerLimitedToItsOwnRowsSeesNoOtherRowsAndCannotChangeThem) {
  serve(contracts());
  for (const char* name : {"kim", "lee", "kim"})
    ASSERT_EQ(call(Verb::post, "/contracts", fmt::format(R"({{"custName":"{}","amt":5}})", name)).result_int(), 201);
  const auto listed = Json::parse(call_as("kim", Verb::get, "/contracts?sort=id,desc").body());
  ASSERT_EQ(listed["_embedded"]["contracts"].size(), 2u);
  EXPECT_EQ(listed["_embedded"]["contracts"][0]["id"], 3);
  EXPECT_EQ(listed["_embedded"]["contracts"][1]["id"], 1);
  EXPECT_EQ(listed["page"]["totalElements"], 2);
  EXPECT_EQ(Json::parse(call(Verb::get, "/contracts").body())["page"]["totalElements"], 3) << "unlimited: all";
  const auto found = Json::parse(call_as("kim", Verb::get, "/contracts/search/findByCustName?custName=lee").body());
  EXPECT_TRUE(found["_embedded"]["contracts"].empty());

  const auto absent = call_as("kim", Verb::get, "/contracts/9");
  const auto others = call_as("kim", Verb::get, "/contracts/2");
  EXPECT_EQ(others.result_int(), 404);
  EXPECT_EQ(others.body(), "Contract 2 not found") << "told apart from a missing row by nothing";
  EXPECT_EQ(absent.body(), "Contract 9 not found");
  EXPECT_EQ(call_as("lee", Verb::get, "/contracts/2").result_int(), 200);

  const auto before = outbox_size();
  EXPECT_EQ(call_as("kim", Verb::patch, "/contracts/2", R"({"status":"cancelled"})").result_int(), 404);
  EXPECT_EQ(Json::parse(call(Verb::get, "/contracts/2").body())["status"], "contracted");
  EXPECT_EQ(outbox_size(), before) << "another's contract is not cancelled";
  EXPECT_EQ(call_as("kim", Verb::patch, "/contracts/1", R"({"custName":"lee"})").result_int(), 403)
      << "nor handed to someone else";
  EXPECT_EQ(call_as("kim", Verb::patch, "/contracts/1", R"({"status":"cancelled"})").result_int(), 200);
  EXPECT_EQ(outbox_size(), before + 1);
}

// A command limited to a role asks it of callers a secure gateway vouches for; a service call
// and an open gateway (the default profile, no roles known) are let through.
TEST_F(ResourceTest, ACommandLimitedToARoleRefusesACheckedCallerWithoutIt) {
  hexa::rest::ResourceSpec spec;
  hexa::Resource<Contract>(spec).command(
      "status", "cancelled", [](Contract& c, hexa::UnitOfWork& uow) { c.cancel(); uow.raise(hexa::copy_fields<ContractCanceled>(c)); },
      {.roles = {"MANAGER", "ADMIN"}});
  serve(std::move(spec));
  for (int i = 0; i < 4; ++i) ASSERT_EQ(call(Verb::post, "/contracts", R"({"custName":"kim","amt":5})").result_int(), 201);
  const std::string cancel = R"({"status":"cancelled"})";
  const std::map<std::string, std::string> customer{{"X-Hexa-Gateway", "secure"}, {"X-Auth-Roles", "CUSTOMER"}};

  const auto refused = call_with(customer, Verb::patch, "/contracts/1", cancel);
  EXPECT_EQ(refused.result_int(), 403);
  EXPECT_EQ(refused.body(), "only a MANAGER or ADMIN may set status to cancelled");
  EXPECT_EQ(call_with({{"X-Hexa-Gateway", "secure"}}, Verb::patch, "/contracts/1", cancel).result_int(), 403)
      << "an open path under security: no roles";
  EXPECT_EQ(Json::parse(call(Verb::get, "/contracts/1").body())["status"], "contracted") << "nothing changed";
  EXPECT_EQ(outbox_size(), 0u);

  EXPECT_EQ(call_with({{"X-Hexa-Gateway", "secure"}, {"X-Auth-Roles", "CUSTOMER, ADMIN"}}, Verb::patch,
                      "/contracts/1", cancel).result_int(), 200);
  EXPECT_EQ(call_with({{"X-Hexa-Gateway", "open"}}, Verb::patch, "/contracts/2", cancel).result_int(), 200)
      << "the open profile checks no roles";
  EXPECT_EQ(call(Verb::patch, "/contracts/3", cancel).result_int(), 200) << "a service call";
  EXPECT_EQ(call_with({{"X-Hexa-Gateway", "secure"}, {"X-Auth-Roles", "MANAGERS"}}, Verb::patch, "/contracts/4",
                      cancel).result_int(), 403) << "roles match whole";
  EXPECT_EQ(outbox_size(), 3u);
}

// A value only the service sets: every caller from outside is refused, in every profile; other
// services (no gateway header) set it as declared. A guarded command is limited the same way.
TEST_F(ResourceTest, ACommandForServicesOnlyRefusesEveryCallerFromOutside) {
  hexa::rest::ResourceSpec spec;
  int asked = 0;
  hexa::Resource<Contract>(spec)
      .command("status", "printed", [](Contract& c, hexa::UnitOfWork&) { c.status = "printed"; },
               {.services_only = "a contract becomes printed when its paper is printed"})
      .command("status", "cancelled", {.services_only = "cancelled by the office only"})
      .guarded_by({.confirm = [&asked](const Contract&, std::int64_t) { ++asked; },
                   .confirmed = [](const Contract&) -> std::optional<bool> { return true; },
                   .then = [](Contract& c, hexa::UnitOfWork&) { c.cancel(); },
                   .fallback = "busy"});
  serve(std::move(spec));
  ASSERT_EQ(call(Verb::post, "/contracts", R"({"custName":"kim","amt":5})").result_int(), 201);
  for (const char* gateway : {"open", "secure"}) {
    const std::map<std::string, std::string> outside{{"X-Hexa-Gateway", gateway}, {"X-Auth-Roles", "MANAGER"}};
    const auto refused = call_with(outside, Verb::patch, "/contracts/1", R"({"status":"printed"})");
    EXPECT_EQ(refused.result_int(), 403) << gateway;
    EXPECT_EQ(refused.body(), "a contract becomes printed when its paper is printed");
    EXPECT_EQ(call_with(outside, Verb::patch, "/contracts/1", R"({"status":"cancelled"})").result_int(), 403);
  }
  EXPECT_EQ(asked, 0) << "nobody was asked for a refused command";
  EXPECT_EQ(Json::parse(call(Verb::get, "/contracts/1").body())["status"], "contracted") << "nothing changed";
  EXPECT_EQ(call(Verb::patch, "/contracts/1", R"({"status":"printed"})").result_int(), 200) << "a service call";
  EXPECT_EQ(Json::parse(call(Verb::get, "/contracts/1").body())["status"], "printed");
}

TEST_F(ResourceTest, DecimalsAndDatesComeBackAsJacksonWritesThem) {
  hexa::rest::ResourceSpec spec;
  hexa::Resource<Apply>{spec};
  serve(std::move(spec));
  auto res = call(Verb::post, "/applies", R"({"amount":"1000.50","appliedAt":"2026-12-02T16:15:30.123+09:00"})");
  ASSERT_EQ(res.result_int(), 201) << res.body();
  const std::string fields = R"("amount":1000.50,"appliedAt":"2026-12-02T07:15:30.123+00:00")";
  EXPECT_NE(res.body().find(fields), std::string::npos) << res.body();
  EXPECT_NE(call(Verb::get, "/applies/1").body().find(fields), std::string::npos);
  EXPECT_NE(call(Verb::get, "/applies").body().find(fields), std::string::npos);
  res = call(Verb::post, "/applies", R"({"amount":"eleven"})");
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_NE(res.body().find("'amount'"), std::string::npos) << res.body();
  EXPECT_EQ(Json::parse(call(Verb::get, "/applies").body())["page"]["totalElements"], 1);
}

}  // namespace
