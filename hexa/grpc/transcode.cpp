#include "hexa/grpc/transcode.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "hexa/rest/resource_core.hpp"

namespace hexa::grpc {
namespace {

using FD = pb::FieldDescriptor;

// A set scalar field as JSON: a number for int64, text (a decimal's digits too) for strings.
rest::Json json_of(const pb::Message& m, const FD& f) {
  const auto& r = *m.GetReflection();
  switch (f.cpp_type()) {
    case FD::CPPTYPE_INT64: return r.GetInt64(m, &f);
    case FD::CPPTYPE_BOOL: return r.GetBool(m, &f);
    case FD::CPPTYPE_STRING: return r.GetString(m, &f);
    default: throw std::invalid_argument("gRPC: field " + f.name() + " is not a scalar");
  }
}

// The text of a field for a path segment or a query value.
std::string text_of(const pb::Message& m, const FD& f) {
  const auto j = json_of(m, f);
  return j.is_string() ? j.get<std::string>() : j.dump();
}

// Only the fields the client set: an Update is a PATCH of exactly those.
rest::Json object_of(const pb::Message& m) {
  rest::Json j = rest::Json::object();
  std::vector<const FD*> set;
  m.GetReflection()->ListFields(m, &set);
  for (const auto* f : set) j[f->name()] = json_of(m, *f);
  return j;
}

void set_field(pb::Message& m, const FD& f, const rest::Json& v) {
  const auto& r = *m.GetReflection();
  if (v.is_null()) return;
  switch (f.cpp_type()) {
    case FD::CPPTYPE_INT64:
      if (v.is_number_integer()) r.SetInt64(&m, &f, v.get<std::int64_t>());
      return;
    case FD::CPPTYPE_BOOL:
      if (v.is_boolean()) r.SetBool(&m, &f, v.get<bool>());
      return;
    case FD::CPPTYPE_STRING:
      if (const auto d = rest::decimal_in(v)) r.SetString(&m, &f, d->text());
      else r.SetString(&m, &f, v.is_string() ? v.get<std::string>() : rest::dump(v));
      return;
    default: return;
  }
}

// An item as served (fields, `_links`, `_pending`) into its message; what it lacks stays unset.
void fill_item(pb::Message& m, const rest::Json& item) {
  const auto* d = m.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* f = d->field(i);
    const std::string json_name = f->name() == kPendingField ? "_pending" : f->name();
    if (const auto it = item.find(json_name); it != item.end()) set_field(m, *f, *it);
  }
}

void fill_page(pb::Message& m, const rest::Json& body, const std::string& collection) {
  const auto* d = m.GetDescriptor();
  const auto& r = *m.GetReflection();
  if (const auto embedded = body.find("_embedded"); embedded != body.end())
    for (const auto& item : embedded->value(collection, rest::Json::array()))
      fill_item(*r.AddMessage(&m, d->FindFieldByName("items")), item);
  const auto page = body.value("page", rest::Json::object());
  for (const char* name : {"totalElements", "totalPages", "number", "size"})
    if (page.contains(name)) r.SetInt64(&m, d->FindFieldByName(name), page.at(name).get<std::int64_t>());
}

const FD& field_of(const pb::Message& m, const std::string& name) {
  const auto* f = m.GetDescriptor()->FindFieldByName(name);
  if (!f) throw std::logic_error("gRPC: " + m.GetDescriptor()->full_name() + " has no field " + name);
  return *f;
}

std::string target_of(const Rpc& rpc, const pb::Message& in) {
  std::string target = rpc.path;
  if (!rpc.key_field.empty()) {
    const auto& key = field_of(in, rpc.key_field);
    target.replace(target.find("{key}"), 5, rest::url_encode(text_of(in, key)));
  }
  char separator = '?';
  for (const auto& name : rpc.query) {
    const auto& f = field_of(in, name);
    if (!f.has_presence() || in.GetReflection()->HasField(in, &f)) {
      target += fmt::format("{}{}={}", separator, name, rest::url_encode(text_of(in, f)));
      separator = '&';
    }
  }
  return target;
}

std::string body_of(const Rpc& rpc, const pb::Message& in) {
  if (rpc.body.empty()) return {};
  if (rpc.body == "*") return rest::dump(object_of(in));
  const auto& f = field_of(in, rpc.body);
  return rest::dump(object_of(in.GetReflection()->GetMessage(in, &f)));
}

// Metadata that is no header of the REST call: HTTP/2's own, gRPC's, and binary values.
bool is_transport_metadata(const std::string& key) {
  return key.empty() || key[0] == ':' || key.rfind("grpc-", 0) == 0 || key == "content-type" || key == "te" ||
         key == "user-agent" || key == "host" || key == "content-length" ||
         (key.size() > 4 && key.compare(key.size() - 4, 4, "-bin") == 0);
}

}  // namespace

http::Request to_request(const Rpc& rpc, const pb::Message& in, const CallContext& call) {
  http::Request req{rpc.verb, target_of(rpc, in), 11};
  req.set(http::beast_http::field::host, call.authority.empty() ? "localhost" : call.authority);
  for (const auto& [key, value] : call.metadata)
    if (!is_transport_metadata(key)) req.insert(key, value);
  if (call.deadline) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(call.deadline->time_since_epoch());
    req.set(rest::kDeadlineHeader, std::to_string(ms.count()));
  }
  if (!rpc.body.empty()) {
    req.set(http::beast_http::field::content_type, "application/json");
    req.body() = body_of(rpc, in);
  }
  req.prepare_payload();
  return req;
}

::grpc::StatusCode status_code_of(unsigned http_status) {
  using C = ::grpc::StatusCode;
  if (http_status < 300) return C::OK;
  switch (http_status) {
    case 400: case 413: case 415: return C::INVALID_ARGUMENT;
    case 401: return C::UNAUTHENTICATED;
    case 403: return C::PERMISSION_DENIED;
    case 404: return C::NOT_FOUND;
    case 405: return C::UNIMPLEMENTED;
    case 409: return C::FAILED_PRECONDITION;
    case 429: return C::RESOURCE_EXHAUSTED;
    case 503: return C::UNAVAILABLE;
    case 504: return C::DEADLINE_EXCEEDED;
    default: return C::INTERNAL;
  }
}

Reply to_reply(const Rpc& rpc, const http::Response& res, pb::Message& out) {
  const auto code = status_code_of(res.result_int());
  const auto body = rest::parse(res.body());
  if (code != ::grpc::StatusCode::OK) {
    const std::string message = body.is_object() && body.contains("message") && body.at("message").is_string()
                                    ? body.at("message").get<std::string>()
                                    : std::string(res.reason());
    Reply reply{::grpc::Status(code, message), std::nullopt};
    if (const auto it = res.find(http::beast_http::field::retry_after); it != res.end())
      reply.retry_after = std::string(it->value());
    return reply;
  }
  if (!body.is_object()) return {::grpc::Status(::grpc::StatusCode::INTERNAL, "the resource answered no JSON object"), {}};
  if (rpc.collection.empty()) fill_item(out, body);
  else fill_page(out, body, rpc.collection);
  return {::grpc::Status::OK, std::nullopt};
}

}  // namespace hexa::grpc
