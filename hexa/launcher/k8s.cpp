#include "hexa/launcher/k8s.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <iostream>

#include "hexa/config/config.hpp"
#include "hexa/launcher/paths.hpp"

namespace hexa::launcher {
namespace {

namespace fs = std::filesystem;

constexpr const char* kImage = "localhost/hexa:latest";  // `make image` (README, "Kubernetes")
constexpr const char* kBusUrl = "kafka://kafka:9092";
constexpr const char* kDataDir = "/var/lib/hexa";
constexpr const char* kSystemsDir = "/opt/hexa/systems";
// A service drains for server.shutdown-grace-ms (5 s) after SIGTERM; the pod gets that plus the
// preStop pause that lets endpoints forget it before it stops accepting.
constexpr int kPreStopSeconds = 3;
constexpr int kGraceSeconds = 5 + kPreStopSeconds + 2;

struct Workload {
  std::string service;  // "contract", or "gateway"
  std::string name;     // "carrental-contract": every object of the workload
  std::uint16_t port;
  std::string program;  // in /opt/hexa/bin
  std::string config;   // relative to the system's folder
  const ServiceSpec* spec = nullptr;  // null for the gateway
};

using Json = nlohmann::ordered_json;  // typed values: "8081" stays a string, 8081 a number

// Would a YAML 1.1 reader (kubectl's) take this text for a number, a boolean or null?
bool misread(const std::string& text) {
  static const std::set<std::string> words{"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"};
  std::string lower = text;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text.empty() || words.contains(lower) || text.find_first_not_of("0123456789.-+eE_:") == std::string::npos;
}

// YAML as kubectl writes it; a string a YAML reader would take for a number, a boolean or
// null is quoted.
void emit(YAML::Emitter& out, const Json& j) {
  if (j.is_object()) {
    out << YAML::BeginMap;
    for (const auto& [k, v] : j.items()) {
      out << YAML::Key << k << YAML::Value;
      emit(out, v);
    }
    out << YAML::EndMap;
  } else if (j.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& v : j) emit(out, v);
    out << YAML::EndSeq;
  } else if (j.is_string()) {
    const auto text = j.get<std::string>();
    if (misread(text)) out << YAML::DoubleQuoted;
    out << text;
  } else {
    out << j.dump();
  }
}

std::string dump(const Json& doc) {
  YAML::Emitter out;
  emit(out, doc);
  return std::string(out.c_str()) + "\n";
}

std::string docs(const std::vector<Json>& nodes) {
  std::string text;
  for (const auto& n : nodes) text += "---\n" + dump(n);
  return text;
}

Json metadata(const Workload& w, const std::string& system) {
  Json m;
  m["name"] = w.name;
  m["labels"]["app.kubernetes.io/name"] = w.name;
  m["labels"]["app.kubernetes.io/part-of"] = system;
  m["labels"]["app.kubernetes.io/component"] = w.service;
  return m;
}

Json selector(const Workload& w) {
  Json s;
  s["app.kubernetes.io/name"] = w.name;
  return s;
}

// The environment `hexa up` gives an instance (plan.cpp), with in-cluster addresses.
Json config_map(const Workload& w, const SystemSpec& spec) {
  Json cm;
  cm["apiVersion"] = "v1";
  cm["kind"] = "ConfigMap";
  cm["metadata"] = metadata(w, spec.name);
  cm["metadata"]["name"] = w.name + "-config";
  auto& data = cm["data"];
  data["PROFILE"] = "default";
  data["SYSTEM_NAME"] = spec.name;
  data["SERVER_ADDRESS"] = "0.0.0.0";
  data["SERVER_PORT"] = std::to_string(w.port);
  data["DATA_DIR"] = kDataDir;
  data["BUS_URL"] = kBusUrl;
  for (const auto& s : spec.services)
    data[fmt::format("SERVICES_{}_URL", Config::env_name(s.name))] = fmt::format("http://{}-{}:{}", spec.name, s.name, s.port);
  if (w.spec)
    for (const auto& [name, value] : w.spec->env) data[name] = value;
  else
    data["WEB_ROOT"] = fmt::format("/opt/hexa/web/{}", spec.name);  // the image's copy of build/web
  return cm;
}

Json http_probe(const std::string& path, int period, int failures, int timeout = 2) {
  Json p;
  p["httpGet"]["path"] = path;
  p["httpGet"]["port"] = "http";
  p["periodSeconds"] = period;
  p["timeoutSeconds"] = timeout;
  p["failureThreshold"] = failures;
  return p;
}

// system.yaml's `liveness` (what the launcher checks) is kubelet's livenessProbe; kubelet's
// defaults where it is off or for the gateway.
Json liveness_probe(const Workload& w) {
  const Liveness l = w.spec && w.spec->liveness.checked() ? w.spec->liveness : Liveness{};
  const auto whole_seconds = [](std::chrono::milliseconds ms) { return static_cast<int>(std::max<long>(1, (ms.count() + 999) / 1000)); };
  return http_probe("/actuator/health/liveness", whole_seconds(l.period), l.failure_threshold, whole_seconds(l.timeout));
}

Json env_from_secret(const std::string& name, const std::string& secret, const std::string& key) {
  Json e;
  e["name"] = name;
  e["valueFrom"]["secretKeyRef"]["name"] = secret;
  e["valueFrom"]["secretKeyRef"]["key"] = key;
  return e;
}

bool has_store(const Workload& w) { return w.spec && w.spec->executable.empty(); }
bool is_auth(const Workload& w) { return w.spec && w.spec->executable == "hexa-auth"; }

Json container(const Workload& w, const SystemSpec& spec) {
  Json c;
  c["name"] = w.service;
  c["image"] = kImage;
  c["imagePullPolicy"] = "IfNotPresent";
  c["command"].push_back("/opt/hexa/bin/" + w.program);
  c["args"].push_back("--config");
  c["args"].push_back(fmt::format("{}/{}/{}", kSystemsDir, spec.name, w.config));
  Json port;
  port["name"] = "http";
  port["containerPort"] = static_cast<int>(w.port);
  c["ports"].push_back(port);
  Json from;
  from["configMapRef"]["name"] = w.name + "-config";
  c["envFrom"].push_back(from);
  Json instance;
  instance["name"] = "INSTANCE_ID";
  instance["valueFrom"]["fieldRef"]["fieldPath"] = "metadata.name";
  c["env"].push_back(instance);
  if (has_store(w)) c["env"].push_back(env_from_secret("STORE_URL", spec.name + "-stores", w.service));
  if (is_auth(w)) c["env"].push_back(env_from_secret("KEYS_PRIVATE_KEY_PEM", spec.name + "-auth", "private-key.pem"));
  c["startupProbe"] = http_probe("/actuator/health/liveness", 1, 30);
  c["readinessProbe"] = http_probe("/actuator/health/readiness", 2, 2);
  c["livenessProbe"] = liveness_probe(w);
  // Measured: 23-32 MB RSS per service after 37,000 car rental flows; a core is plenty.
  c["resources"]["requests"]["cpu"] = "100m";
  c["resources"]["requests"]["memory"] = "64Mi";
  c["resources"]["limits"]["cpu"] = "1";
  c["resources"]["limits"]["memory"] = "256Mi";
  c["lifecycle"]["preStop"]["exec"]["command"].push_back("sleep");
  c["lifecycle"]["preStop"]["exec"]["command"].push_back(std::to_string(kPreStopSeconds));
  Json mount;
  mount["name"] = "data";
  mount["mountPath"] = kDataDir;
  c["volumeMounts"].push_back(mount);
  return c;
}

Json deployment(const Workload& w, const SystemSpec& spec) {
  Json d;
  d["apiVersion"] = "apps/v1";
  d["kind"] = "Deployment";
  d["metadata"] = metadata(w, spec.name);
  if (!(w.spec && w.spec->autoscale)) d["spec"]["replicas"] = 1;  // else the HPA decides
  d["spec"]["selector"]["matchLabels"] = selector(w);
  d["spec"]["strategy"]["type"] = "RollingUpdate";
  d["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] = 0;  // a new pod is ready before an old one goes
  d["spec"]["strategy"]["rollingUpdate"]["maxSurge"] = 1;
  auto& pod = d["spec"]["template"];
  pod["metadata"]["labels"] = metadata(w, spec.name)["labels"];
  pod["spec"]["terminationGracePeriodSeconds"] = kGraceSeconds;
  pod["spec"]["containers"].push_back(container(w, spec));
  Json volume;
  volume["name"] = "data";
  volume["emptyDir"] = Json::object();
  pod["spec"]["volumes"].push_back(volume);
  return d;
}

Json service(const Workload& w, const SystemSpec& spec, bool load_balancer) {
  Json s;
  s["apiVersion"] = "v1";
  s["kind"] = "Service";
  s["metadata"] = metadata(w, spec.name);
  s["spec"]["type"] = load_balancer ? "LoadBalancer" : "ClusterIP";
  s["spec"]["selector"] = selector(w);
  Json port;
  port["name"] = "http";
  port["port"] = static_cast<int>(w.port);
  port["targetPort"] = "http";
  s["spec"]["ports"].push_back(port);
  return s;
}

Json autoscaler(const Workload& w, const SystemSpec& spec, const Autoscale& a) {
  Json h;
  h["apiVersion"] = "autoscaling/v2";
  h["kind"] = "HorizontalPodAutoscaler";
  h["metadata"] = metadata(w, spec.name);
  h["spec"]["scaleTargetRef"]["apiVersion"] = "apps/v1";
  h["spec"]["scaleTargetRef"]["kind"] = "Deployment";
  h["spec"]["scaleTargetRef"]["name"] = w.name;
  h["spec"]["minReplicas"] = a.min;
  h["spec"]["maxReplicas"] = a.max;
  Json metric;
  metric["type"] = "Resource";
  metric["resource"]["name"] = "cpu";
  metric["resource"]["target"]["type"] = "Utilization";
  metric["resource"]["target"]["averageUtilization"] = a.cpu_percent;
  h["spec"]["metrics"].push_back(metric);
  return h;
}

Json disruption_budget(const Workload& w, const SystemSpec& spec) {
  Json p;
  p["apiVersion"] = "policy/v1";
  p["kind"] = "PodDisruptionBudget";
  p["metadata"] = metadata(w, spec.name);
  p["spec"]["minAvailable"] = 1;
  p["spec"]["selector"]["matchLabels"] = selector(w);
  return p;
}

// 127.0.0.1 in system.yaml's URLs is the local server `hexa up` starts; in a cluster, the
// external service of that engine.
std::string in_cluster(std::string url) {
  const std::string host = url.rfind("mariadb:", 0) == 0 ? "mariadb" : "postgres";
  if (auto at = url.find("127.0.0.1"); at != std::string::npos) url.replace(at, 9, host);
  return url;
}

std::string fill(std::string url, const SystemSpec& spec, const std::string& service) {
  for (const auto& [from, to] : {std::pair{std::string("{system}"), spec.name}, std::pair{std::string("{service}"), service}})
    for (auto at = url.find(from); at != std::string::npos; at = url.find(from)) url.replace(at, from.size(), to);
  return in_cluster(url);
}

// Each store-owning service's URL under `profile` (base: `postgres`, else PostgreSQL by name).
Json stores_secret(const SystemSpec& spec, const std::string& profile) {
  Json s;
  s["apiVersion"] = "v1";
  s["kind"] = "Secret";
  s["metadata"]["name"] = spec.name + "-stores";
  s["metadata"]["labels"]["app.kubernetes.io/part-of"] = spec.name;
  s["type"] = "Opaque";
  const auto p = spec.profiles.find(profile);
  for (const auto& svc : spec.services) {
    if (!svc.executable.empty()) continue;
    std::string url = "postgresql://hexa:hexa@127.0.0.1:5432/{system}_{service}";
    if (p != spec.profiles.end()) {
      if (auto own = p->second.stores.find(svc.name); own != p->second.stores.end()) url = own->second;
      else if (p->second.store) url = *p->second.store;
    }
    s["stringData"][svc.name] = fill(url, spec, svc.name);
  }
  return s;
}

Json auth_secret(const SystemSpec& spec) {
  Json s;
  s["apiVersion"] = "v1";
  s["kind"] = "Secret";
  s["metadata"]["name"] = spec.name + "-auth";
  s["metadata"]["labels"]["app.kubernetes.io/part-of"] = spec.name;
  s["type"] = "Opaque";
  // Empty: replace before deploying (README, "Kubernetes"); the key must be one for all replicas.
  s["stringData"]["private-key.pem"] = "";
  return s;
}

std::vector<Workload> workloads(const SystemSpec& spec) {
  std::vector<Workload> out;
  for (const auto& s : spec.services)
    out.push_back({s.name, spec.name + "-" + s.name, s.port,
                   s.executable.empty() ? spec.name + "-" + s.name : s.executable,
                   s.config.empty() ? s.name + "/application.yaml" : s.config, &s});
  if (spec.gateway)
    out.push_back({"gateway", spec.name + "-gateway", spec.gateway->port, "hexa-gateway", spec.gateway->config, nullptr});
  return out;
}

std::string header(const SystemSpec& spec) {
  return fmt::format("# Generated by `hexa k8s {}` from systems/{}/: do not edit (a test fails when stale).\n",
                     spec.name, spec.name);
}

}  // namespace

Manifests k8s_manifests(const SystemSpec& spec) {
  Manifests out;
  Json kustomization;
  kustomization["apiVersion"] = "kustomize.config.k8s.io/v1beta1";
  kustomization["kind"] = "Kustomization";
  kustomization["labels"].push_back(Json{{"pairs", {{"app.kubernetes.io/managed-by", "hexa"}}}});
  for (const auto& w : workloads(spec)) {
    std::vector<Json> objects{config_map(w, spec), deployment(w, spec), service(w, spec, !w.spec)};
    if (w.spec && w.spec->autoscale) objects.push_back(autoscaler(w, spec, *w.spec->autoscale));
    if (w.spec && w.spec->core) objects.push_back(disruption_budget(w, spec));
    out["base/" + w.service + ".yaml"] = header(spec) + docs(objects);
    kustomization["resources"].push_back(w.service + ".yaml");
  }
  std::vector<Json> secrets{stores_secret(spec, "postgres")};
  if (std::ranges::any_of(spec.services, [](const ServiceSpec& s) { return s.executable == "hexa-auth"; }))
    secrets.push_back(auth_secret(spec));
  out["base/secrets.yaml"] = header(spec) + docs(secrets);
  kustomization["resources"].push_back("secrets.yaml");
  out["base/kustomization.yaml"] = header(spec) + dump(kustomization);
  for (const auto& [profile, body] : spec.profiles) {
    if (profile == "postgres" || (!body.store && body.stores.empty())) continue;
    Json overlay;
    overlay["apiVersion"] = "kustomize.config.k8s.io/v1beta1";
    overlay["kind"] = "Kustomization";
    overlay["resources"].push_back("../../base");
    overlay["patches"].push_back(Json{{"path", "stores.yaml"}});
    out["overlays/" + profile + "/kustomization.yaml"] = header(spec) + dump(overlay);
    out["overlays/" + profile + "/stores.yaml"] = header(spec) + docs({stores_secret(spec, profile)});
  }
  return out;
}

int run_k8s(const std::string& system, const fs::path& out) {
  const SystemSpec spec = load_system(systems_dir(), system);
  const fs::path dir = out / system;
  fs::remove_all(dir);
  for (const auto& [file, text] : k8s_manifests(spec)) {
    fs::create_directories((dir / file).parent_path());
    std::ofstream(dir / file) << text;
  }
  std::cout << "wrote " << dir.string() << "\n";
  return 0;
}

}  // namespace hexa::launcher
