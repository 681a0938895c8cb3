#include "hexa/grpc/proto_schema.hpp"

#include <google/protobuf/descriptor.pb.h>

#include <cctype>
#include <stdexcept>

#include "hexa/rest/resource_core.hpp"

namespace hexa::grpc {
namespace {

using FieldProto = pb::FieldDescriptorProto;

std::string identifier(std::string text) {
  for (auto& c : text)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return text;
}

std::string capitalized(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return text;
}

FieldProto::Type type_of(const std::string& kind) {
  if (kind == "integer") return FieldProto::TYPE_INT64;
  if (kind == "text" || kind == "decimal" || kind == "timestamp") return FieldProto::TYPE_STRING;
  if (kind == "boolean") return FieldProto::TYPE_BOOL;
  throw std::invalid_argument("gRPC: no protobuf type for a field of kind '" + kind + "'");
}

// A proto3 `optional` field: presence is known, so an absent field is not sent as its zero.
void add_optional(pb::DescriptorProto& m, const std::string& name, FieldProto::Type type) {
  auto& f = *m.add_field();
  f.set_name(name);
  f.set_number(m.field_size());
  f.set_label(FieldProto::LABEL_OPTIONAL);
  f.set_type(type);
  f.set_proto3_optional(true);
  f.set_oneof_index(m.oneof_decl_size());
  m.add_oneof_decl()->set_name("_" + name);
}

void add_plain(pb::DescriptorProto& m, const std::string& name, FieldProto::Type type,
               const std::string& message = {}, bool repeated = false) {
  auto& f = *m.add_field();
  f.set_name(name);
  f.set_number(m.field_size());
  f.set_label(repeated ? FieldProto::LABEL_REPEATED : FieldProto::LABEL_OPTIONAL);
  f.set_type(type);
  if (!message.empty()) f.set_type_name(message);
}

const rest::Json* field_named(const rest::Json& fields, const std::string& name) {
  for (const auto& f : fields)
    if (f.at("name") == name) return &f;
  return nullptr;
}

bool allows(const rest::Json& resource, const char* method) {
  for (const auto& m : resource.at("methods"))
    if (m == method) return true;
  return false;
}

// The rpcs of one served aggregate or view, and the messages they exchange, added to `file`.
class ResourceFace {
 public:
  ResourceFace(pb::FileDescriptorProto& file, const rest::Json& declared, bool aggregate)
      : file_(file), declared_(declared), resource_(declared.at("resource")),
        name_(identifier(declared.at("name").get<std::string>())), aggregate_(aggregate) {}

  // rpc name -> binding without its prototypes (the pool resolves those once built)
  std::map<std::string, std::pair<Rpc, std::pair<std::string, std::string>>> add() {
    add_item_message();
    add_page_messages();
    auto& service = *file_.add_service();
    service.set_name(name_ + "Service");
    const std::string base = resource_.at("path");
    const std::string key = declared_.at("key");
    if (aggregate_) {
      if (allows(resource_, "POST")) rpc(service, "Create", name_, name_, {http::Verb::post, base, "", {}, "*", ""});
      if (allows(resource_, "GET")) {
        message(name_ + "Key", {{key, field_kind(key)}});
        rpc(service, "Get", name_ + "Key", name_, {http::Verb::get, base + "/{key}", key, {}, "", ""});
      }
      if (allows(resource_, "PATCH") || allows(resource_, "PUT")) add_change_message(key);
      if (allows(resource_, "PATCH"))
        rpc(service, "Update", name_ + "Change", name_, {http::Verb::patch, base + "/{key}", key, {}, item_field(), ""});
      if (allows(resource_, "PUT"))
        rpc(service, "Replace", name_ + "Change", name_, {http::Verb::put, base + "/{key}", key, {}, item_field(), ""});
    }
    if (allows(resource_, "GET")) {
      rpc(service, "List", name_ + "ListRequest", name_ + "Page",
          {http::Verb::get, base, "", {"page", "size", "sort"}, "", collection()});
      for (const auto& finder : resource_.at("finders")) add_finder(service, base, finder.get<std::string>());
    }
    return std::move(rpcs_);
  }

 private:
  std::string collection() const { return declared_.at("collection"); }
  std::string item_field() const {
    std::string f = name_;
    f[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(f[0])));
    return f;
  }
  std::string field_kind(const std::string& name) const {
    const auto* f = field_named(declared_.at("fields"), name);
    if (!f) throw std::invalid_argument("gRPC: " + name_ + " has no field '" + name + "'");
    return f->at("kind");
  }

  void message(const std::string& name, const std::vector<std::pair<std::string, std::string>>& fields) {
    auto& m = *file_.add_message_type();
    m.set_name(name);
    for (const auto& [field, kind] : fields) add_plain(m, field, type_of(kind));
  }

  void add_item_message() {
    auto& m = *file_.add_message_type();
    m.set_name(name_);
    for (const auto& f : declared_.at("fields")) add_optional(m, f.at("name"), type_of(f.at("kind")));
    if (aggregate_ && resource_.at("guarded").get<bool>()) add_optional(m, std::string(kPendingField), FieldProto::TYPE_BOOL);
  }

  void add_page_messages() {
    auto& request = *file_.add_message_type();
    request.set_name(name_ + "ListRequest");
    add_optional(request, "page", FieldProto::TYPE_INT64);
    add_optional(request, "size", FieldProto::TYPE_INT64);
    add_optional(request, "sort", FieldProto::TYPE_STRING);
    auto& page = *file_.add_message_type();
    page.set_name(name_ + "Page");
    add_plain(page, "items", FieldProto::TYPE_MESSAGE, name_, true);
    add_plain(page, "totalElements", FieldProto::TYPE_INT64);
    add_plain(page, "totalPages", FieldProto::TYPE_INT64);
    add_plain(page, "number", FieldProto::TYPE_INT64);
    add_plain(page, "size", FieldProto::TYPE_INT64);
  }

  void add_change_message(const std::string& key) {
    auto& m = *file_.add_message_type();
    m.set_name(name_ + "Change");
    add_plain(m, key, type_of(field_kind(key)));
    add_plain(m, item_field(), FieldProto::TYPE_MESSAGE, name_);
  }

  void add_finder(pb::ServiceDescriptorProto& service, const std::string& base, const std::string& field) {
    const std::string finder = rest::finder_name(field);  // findByContractId
    const std::string request = name_ + "By" + capitalized(field);
    message(request, {{field, field_kind(field)}});
    rpc(service, capitalized(finder), request, name_ + "Page",
        {http::Verb::get, base + "/search/" + finder, "", {field}, "", collection()});
  }

  void rpc(pb::ServiceDescriptorProto& service, const std::string& name, const std::string& input,
           const std::string& output, Rpc binding) {
    auto& m = *service.add_method();
    m.set_name(name);
    m.set_input_type(input);
    m.set_output_type(output);
    rpcs_["/" + file_.package() + "." + service.name() + "/" + name] = {std::move(binding), {input, output}};
  }

  pb::FileDescriptorProto& file_;
  const rest::Json& declared_;
  const rest::Json& resource_;
  std::string name_;
  bool aggregate_;
  std::map<std::string, std::pair<Rpc, std::pair<std::string, std::string>>> rpcs_;
};

}  // namespace

std::string package_of(const rest::Json& description) {
  return identifier(description.at("topic").get<std::string>()) + "." +
         identifier(description.at("service").get<std::string>());
}

ProtoSchema::ProtoSchema(const rest::Json& description, const std::string& package) {
  pb::FileDescriptorProto file;
  file.set_name(description.at("service").get<std::string>() + ".proto");
  file.set_package(package);
  file.set_syntax("proto3");
  std::map<std::string, std::pair<Rpc, std::pair<std::string, std::string>>> unresolved;
  auto add = [&](const rest::Json& declared, bool aggregate) {
    if (!declared.contains("resource") || declared.at("resource").is_null()) return;
    if (declared.contains("served") && !declared.at("served").get<bool>()) return;
    unresolved.merge(ResourceFace(file, declared, aggregate).add());
  };
  for (const auto& a : description.at("aggregates")) add(a, true);
  for (const auto& v : description.at("views")) add(v, false);
  file_ = pool_.BuildFile(file);
  if (!file_) throw std::invalid_argument("gRPC: the schema of " + package + " does not build");
  for (auto& [method, entry] : unresolved) {
    auto& [rpc, types] = entry;
    rpc.input = factory_.GetPrototype(pool_.FindMessageTypeByName(package + "." + types.first));
    rpc.output = factory_.GetPrototype(pool_.FindMessageTypeByName(package + "." + types.second));
    rpcs_.emplace(method, std::move(rpc));
  }
}

const Rpc* ProtoSchema::find(std::string_view method) const {
  const auto it = rpcs_.find(method);
  return it == rpcs_.end() ? nullptr : &it->second;
}

std::vector<std::string> ProtoSchema::methods() const {
  std::vector<std::string> names;
  for (const auto& [name, rpc] : rpcs_) names.push_back(name);
  return names;
}

std::string ProtoSchema::proto_text() const {
  return "// Generated from the service's declarations (hexa/grpc/proto_schema.hpp); do not edit.\n" +
         file_->DebugString();
}

}  // namespace hexa::grpc
