// The gRPC inbound adapter (hexa/grpc): the schema it derives from a description, and a real
// gRPC server on loopback whose calls arrive at the dispatch as the REST requests they stand
// for, with REST's answers coming back as replies and status codes.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <future>
#include <mutex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hexa/grpc/grpc_server.hpp"
#include "hexa/grpc/proto_schema.hpp"
#include "hexa/grpc/transcode.hpp"

namespace {

using hexa::rest::Json;
using testing::HasSubstr;
namespace pb = google::protobuf;

Json description() {
  auto field = [](const char* name, const char* kind) { return Json{{"name", name}, {"kind", kind}, {"rules", Json::object()}}; };
  return Json{
      {"service", "contract"},
      {"topic", "carrental"},
      {"aggregates",
       {{{"name", "Contract"},
         {"collection", "contracts"},
         {"key", "id"},
         {"fields", {field("id", "integer"), field("custName", "text"), field("amt", "integer"), field("price", "decimal")}},
         {"resource",
          {{"path", "/contracts"}, {"methods", {"GET", "POST", "PATCH"}}, {"finders", {"custName"}}, {"guarded", true}}}}}},
      {"views",
       {{{"name", "MyPage"},
         {"collection", "myPages"},
         {"key", "contractId"},
         {"served", true},
         {"fields", {field("id", "integer"), field("contractId", "integer"), field("status", "text")}},
         {"resource", {{"path", "/myPages"}, {"methods", {"GET"}}, {"finders", {"contractId"}}, {"guarded", false}}}},
        {{"name", "RoomState"},
         {"collection", "roomStates"},
         {"key", "roomNumber"},
         {"served", false},
         {"fields", {field("roomNumber", "integer")}},
         {"resource", nullptr}}}}};
}

constexpr const char* kService = "/carrental.contract.ContractService/";

TEST(GrpcSchema, AnRpcForEachRestCallTheResourceAllows) {
  hexa::grpc::ProtoSchema schema(description(), "carrental.contract");
  EXPECT_THAT(schema.methods(),
              testing::UnorderedElementsAre(
                  "/carrental.contract.ContractService/Create", "/carrental.contract.ContractService/Get",
                  "/carrental.contract.ContractService/List", "/carrental.contract.ContractService/Update",
                  "/carrental.contract.ContractService/FindByCustName", "/carrental.contract.MyPageService/List",
                  "/carrental.contract.MyPageService/FindByContractId"));
  const auto* update = schema.find(std::string(kService) + "Update");
  ASSERT_NE(update, nullptr);
  EXPECT_EQ(update->verb, hexa::http::Verb::patch);
  EXPECT_EQ(update->path, "/contracts/{key}");
  EXPECT_EQ(schema.find(std::string(kService) + "Replace"), nullptr) << "PUT is not allowed, so no Replace";
}

TEST(GrpcSchema, TheProtoFileNamesEveryMessageAndRpc) {
  const auto text = hexa::grpc::ProtoSchema(description(), "carrental.contract").proto_text();
  EXPECT_THAT(text, HasSubstr("package carrental.contract;"));
  EXPECT_THAT(text, HasSubstr("syntax = \"proto3\";"));
  EXPECT_THAT(text, HasSubstr("optional string price = 4;"));  // a decimal's digits, exact
  EXPECT_THAT(text, HasSubstr("optional bool pending = 5;"));   // guarded: an unsettled outcome
  EXPECT_THAT(text, HasSubstr("rpc Create(.carrental.contract.Contract) returns (.carrental.contract.Contract);"));
  EXPECT_THAT(text, HasSubstr("rpc FindByCustName(.carrental.contract.ContractByCustName) returns (.carrental.contract.ContractPage);"));
}

TEST(GrpcSchema, AFieldOfAKindWithoutAProtobufTypeIsRefused) {
  auto d = description();
  d["aggregates"][0]["fields"].push_back(Json{{"name", "photo"}, {"kind", "blob"}});
  EXPECT_THROW(hexa::grpc::ProtoSchema(d, "carrental.contract"), std::invalid_argument);
}

// A loopback gRPC server whose dispatch records each request and answers what the test says.
class GrpcServerTest : public testing::Test {
 protected:
  GrpcServerTest()
      : schema_(description(), "carrental.contract"),
        server_(description(),
                [this](hexa::http::Request&& req, const hexa::http::Peer& peer, hexa::http::Responder respond) {
                  std::lock_guard lock(mutex_);
                  seen_ = req;
                  peer_ = peer.address;
                  auto res = hexa::http::json_response(req, answer_status_, answer_body_);
                  if (!retry_after_.empty()) res.set(hexa::http::beast_http::field::retry_after, retry_after_);
                  respond(std::move(res));
                },
                "127.0.0.1", 0),
        stub_(::grpc::CreateChannel("127.0.0.1:" + std::to_string(server_.port()), ::grpc::InsecureChannelCredentials())) {}

  std::unique_ptr<pb::Message> request(const std::string& method) {
    return std::unique_ptr<pb::Message>(schema_.find(kService + method)->input->New());
  }

  struct Result {
    ::grpc::Status status;
    std::unique_ptr<pb::Message> reply;
    std::multimap<std::string, std::string> trailers;
  };

  Result call(const std::string& method, const pb::Message& in, const std::string& bytes_override = {}) {
    ::grpc::ClientContext ctx;
    ctx.AddMetadata("x-auth-owner", "kim");
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    const std::string bytes = bytes_override.empty() ? in.SerializeAsString() : bytes_override;
    ::grpc::Slice slice(bytes);
    ::grpc::ByteBuffer sent(&slice, 1), got;
    std::promise<::grpc::Status> done;
    stub_.UnaryCall(&ctx, kService + method, {}, &sent, &got, [&](::grpc::Status s) { done.set_value(s); });
    Result r{done.get_future().get(), nullptr, {}};
    if (r.status.ok()) {
      r.reply.reset(schema_.find(kService + method)->output->New());
      ::grpc::Slice out;
      EXPECT_TRUE(got.DumpToSingleSlice(&out).ok());
      EXPECT_TRUE(r.reply->ParseFromArray(out.begin(), static_cast<int>(out.size())));
    }
    for (const auto& [k, v] : ctx.GetServerTrailingMetadata())
      r.trailers.emplace(std::string(k.data(), k.size()), std::string(v.data(), v.size()));
    return r;
  }

  void answer(hexa::http::Status status, std::string body, std::string retry_after = {}) {
    answer_status_ = status;
    answer_body_ = std::move(body);
    retry_after_ = std::move(retry_after);
  }

  static void set(pb::Message& m, const std::string& field, const std::string& value) {
    m.GetReflection()->SetString(&m, m.GetDescriptor()->FindFieldByName(field), value);
  }
  static void set(pb::Message& m, const std::string& field, std::int64_t value) {
    m.GetReflection()->SetInt64(&m, m.GetDescriptor()->FindFieldByName(field), value);
  }
  static std::string text(const pb::Message& m, const std::string& field) {
    return m.GetReflection()->GetString(m, m.GetDescriptor()->FindFieldByName(field));
  }
  static std::int64_t number(const pb::Message& m, const std::string& field) {
    return m.GetReflection()->GetInt64(m, m.GetDescriptor()->FindFieldByName(field));
  }

  hexa::grpc::ProtoSchema schema_;
  std::mutex mutex_;
  hexa::http::Request seen_;
  std::string peer_;
  hexa::http::Status answer_status_ = hexa::http::Status::ok;
  std::string answer_body_ = "{}";
  std::string retry_after_;
  hexa::grpc::GrpcServer server_;
  ::grpc::GenericStub stub_;
};

TEST_F(GrpcServerTest, CreateIsThePostOfTheSetFieldsAndAnswersTheCreatedItem) {
  answer(hexa::http::Status::created,
         R"({"id":1,"custName":"홍길동","amt":100,"price":1000.50,"_pending":true,"_links":{"self":{"href":"x"}}})");
  auto in = request("Create");
  set(*in, "custName", "홍길동");
  set(*in, "amt", std::int64_t{100});
  set(*in, "price", "1000.50");
  const auto r = call("Create", *in);
  ASSERT_TRUE(r.status.ok()) << r.status.error_message();
  EXPECT_EQ(number(*r.reply, "id"), 1);
  EXPECT_EQ(text(*r.reply, "custName"), "홍길동");
  EXPECT_EQ(text(*r.reply, "price"), "1000.50");
  EXPECT_TRUE(r.reply->GetReflection()->GetBool(*r.reply, r.reply->GetDescriptor()->FindFieldByName("pending")));
  std::lock_guard lock(mutex_);
  EXPECT_EQ(seen_.method(), hexa::http::Verb::post);
  EXPECT_EQ(seen_.target(), "/contracts");
  EXPECT_EQ(seen_.body(), R"({"custName":"홍길동","amt":100,"price":"1000.50"})");
  EXPECT_EQ(seen_[hexa::http::beast_http::field::content_type], "application/json");
  EXPECT_EQ(seen_["x-auth-owner"], "kim") << "metadata arrives as headers, as on the REST port";
  EXPECT_FALSE(seen_["X-Request-Deadline"].empty()) << "the client's deadline bounds the work";
  EXPECT_EQ(peer_, "127.0.0.1") << "the door knows who called, to trust forwarded headers or not";
}

TEST_F(GrpcServerTest, UpdateIsAPatchOfTheKeyedItemWithOnlyWhatIsSet) {
  answer(hexa::http::Status::ok, R"({"id":7,"status":"cancelled"})");
  auto in = request("Update");
  set(*in, "id", std::int64_t{7});
  auto& item = *in->GetReflection()->MutableMessage(in.get(), in->GetDescriptor()->FindFieldByName("contract"));
  set(item, "custName", "lee");
  ASSERT_TRUE(call("Update", *in).status.ok());
  std::lock_guard lock(mutex_);
  EXPECT_EQ(seen_.method(), hexa::http::Verb::patch);
  EXPECT_EQ(seen_.target(), "/contracts/7");
  EXPECT_EQ(seen_.body(), R"({"custName":"lee"})");
}

TEST_F(GrpcServerTest, AFinderIsTheSearchAndAnswersThePage) {
  answer(hexa::http::Status::ok,
         R"({"_embedded":{"contracts":[{"id":1,"custName":"홍 길동"},{"id":2,"custName":"홍 길동"}]},)"
         R"("page":{"size":20,"totalElements":2,"totalPages":1,"number":0}})");
  auto in = request("FindByCustName");
  set(*in, "custName", "홍 길동");
  const auto r = call("FindByCustName", *in);
  ASSERT_TRUE(r.status.ok());
  const auto* items = r.reply->GetDescriptor()->FindFieldByName("items");
  ASSERT_EQ(r.reply->GetReflection()->FieldSize(*r.reply, items), 2);
  EXPECT_EQ(number(r.reply->GetReflection()->GetRepeatedMessage(*r.reply, items, 1), "id"), 2);
  EXPECT_EQ(number(*r.reply, "totalElements"), 2);
  std::lock_guard lock(mutex_);
  EXPECT_EQ(seen_.target(), "/contracts/search/findByCustName?custName=%ED%99%8D%20%EA%B8%B8%EB%8F%99");
}

TEST_F(GrpcServerTest, AListSendsOnlyThePagingItSets) {
  answer(hexa::http::Status::ok, R"({"_embedded":{"contracts":[]},"page":{"size":5,"totalElements":0,"totalPages":0,"number":2}})");
  auto in = request("List");
  set(*in, "page", std::int64_t{2});
  set(*in, "size", std::int64_t{5});
  ASSERT_TRUE(call("List", *in).status.ok());
  std::lock_guard lock(mutex_);
  EXPECT_EQ(seen_.target(), "/contracts?page=2&size=5");
}

TEST_F(GrpcServerTest, RestRefusalsBecomeStatusCodesWithRestsMessage) {
  auto in = request("Get");
  set(*in, "id", std::int64_t{3});
  answer(hexa::http::Status::conflict, R"({"status":409,"message":"contract 3 is cancelled already"})");
  auto r = call("Get", *in);
  EXPECT_EQ(r.status.error_code(), ::grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(r.status.error_message(), "contract 3 is cancelled already");

  answer(hexa::http::Status::service_unavailable, R"({"message":"payment is busy, please try again later"})", "1");
  r = call("Get", *in);
  EXPECT_EQ(r.status.error_code(), ::grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(r.status.error_message(), "payment is busy, please try again later");
  ASSERT_TRUE(r.trailers.contains("retry-after"));
  EXPECT_EQ(r.trailers.find("retry-after")->second, "1");

  answer(hexa::http::Status::not_found, R"({"message":"No contract 3"})");
  EXPECT_EQ(call("Get", *in).status.error_code(), ::grpc::StatusCode::NOT_FOUND);
  answer(hexa::http::Status::bad_request, R"({"message":"amt must be at least 1"})");
  EXPECT_EQ(call("Get", *in).status.error_code(), ::grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(GrpcServerTest, AnUnknownMethodOrAMessageThatDoesNotParseIsRefusedBeforeTheResource) {
  auto in = request("Get");
  EXPECT_EQ(call("Replace", *in).status.error_code(), ::grpc::StatusCode::UNIMPLEMENTED);
  const auto r = call("Get", *in, std::string("\xff\xff\xff\xff", 4));
  EXPECT_EQ(r.status.error_code(), ::grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(r.status.error_message(), HasSubstr("carrental.contract.ContractKey"));
  std::lock_guard lock(mutex_);
  EXPECT_TRUE(seen_.target().empty()) << "nothing reached the resource";
}

TEST(GrpcStatus, EachRestStatusHasItsCode) {
  using C = ::grpc::StatusCode;
  EXPECT_EQ(hexa::grpc::status_code_of(201), C::OK);
  EXPECT_EQ(hexa::grpc::status_code_of(202), C::OK);
  EXPECT_EQ(hexa::grpc::status_code_of(401), C::UNAUTHENTICATED);
  EXPECT_EQ(hexa::grpc::status_code_of(403), C::PERMISSION_DENIED);
  EXPECT_EQ(hexa::grpc::status_code_of(405), C::UNIMPLEMENTED);
  EXPECT_EQ(hexa::grpc::status_code_of(413), C::INVALID_ARGUMENT);
  EXPECT_EQ(hexa::grpc::status_code_of(429), C::RESOURCE_EXHAUSTED);
  EXPECT_EQ(hexa::grpc::status_code_of(504), C::DEADLINE_EXCEEDED);
  EXPECT_EQ(hexa::grpc::status_code_of(500), C::INTERNAL);
}

}  // namespace
