#pragma once
// `hexa k8s <system>`: the system's Kubernetes manifests, generated from system.yaml and the
// services' configuration, never written by hand (so they cannot drift from what `hexa up` runs).
//
// deploy/k8s/<system>/
//   base/             kustomization + one file per service and the gateway: ConfigMap (the
//                     environment `hexa up` gives an instance, with in-cluster addresses),
//                     Deployment (probes on /actuator/health/{readiness,liveness}, a startup
//                     probe, requests and limits, rolling update with maxUnavailable 0, a grace
//                     period covering the drain), Service, HorizontalPodAutoscaler (system.yaml
//                     `autoscale`), PodDisruptionBudget (system.yaml `core: true`). The gateway's
//                     Service is a LoadBalancer. Events on Kafka; stores on PostgreSQL.
//   overlays/<profile>/  one per store profile of system.yaml (mariadb, polyglot, ...): the
//                     stores Secret with that profile's URLs.
// Store URLs (they hold passwords) and the signing key live in Secrets, never in ConfigMaps.
// Kafka, PostgreSQL and MariaDB are external services named `kafka`, `postgres`, `mariadb`.
#include <filesystem>
#include <map>
#include <string>

#include "hexa/launcher/system_spec.hpp"

namespace hexa::launcher {

// File name (relative to deploy/k8s/<system>/) -> its YAML text.
using Manifests = std::map<std::string, std::string>;

Manifests k8s_manifests(const SystemSpec& spec);

// Writes them under `out`/<system>/ (replacing what was there). Returns 0.
int run_k8s(const std::string& system, const std::filesystem::path& out);

}  // namespace hexa::launcher
