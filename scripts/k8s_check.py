"""Checks Kubernetes manifests offline: each kustomization is rendered with `kubectl kustomize`,
every object is validated against the real Kubernetes schemas in strict mode (a misspelt field
fails; an apiVersion the version does not serve fails), then a policy check covers what no schema
sees (../shared/design/k8s-offline.md): selectors match pod labels, probes and requests <= limits
on every container, references resolve, rollouts keep maxUnavailable 0, the gateway is a
LoadBalancer, no credentials in ConfigMaps.

    python3 scripts/k8s_check.py deploy/k8s/carrental/base deploy/k8s/carrental/overlays/polyglot
Exit 0 when every kustomization passes; otherwise each problem is printed, and exit 1."""
import re
import subprocess
import sys

import yaml

KUBERNETES_VERSION = "1.34.0"  # a current release; kubernetes-validate ships its schemas


def render(kustomization):
    out = subprocess.run(["kubectl", "kustomize", str(kustomization)], capture_output=True, text=True)
    if out.returncode != 0:
        raise ValueError(f"kubectl kustomize {kustomization}: {out.stderr.strip()}")
    return [d for d in yaml.safe_load_all(out.stdout) if d]


def schema_errors(docs):
    import kubernetes_validate
    errors = []
    for d in docs:
        what = f"{d.get('kind')}/{d.get('metadata', {}).get('name')}"
        try:
            kubernetes_validate.validate(d, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.SchemaNotFoundError:
            errors.append(f"{what}: {d.get('apiVersion')} {d.get('kind')} is not served by Kubernetes {KUBERNETES_VERSION}")
        except kubernetes_validate.ValidationError as e:
            errors.append(f"{what}: {e.message} at {'/'.join(str(p) for p in e.path)}")
    return errors


UNITS = {"m": 1e-3, "": 1, "k": 1e3, "M": 1e6, "G": 1e9, "Ki": 1024, "Mi": 1024**2, "Gi": 1024**3}


def quantity(text):
    m = re.fullmatch(r"([0-9.]+)([a-zA-Z]*)", str(text))
    if not m or m.group(2) not in UNITS:
        raise ValueError(f"bad quantity {text!r}")
    return float(m.group(1)) * UNITS[m.group(2)]


def by_kind(docs, kind):
    return [d for d in docs if d.get("kind") == kind]


def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def container_errors(c, names, where):
    errors = []
    ports = {p.get("name") for p in c.get("ports", [])}
    for probe in ("readinessProbe", "livenessProbe"):
        if probe not in c:
            errors.append(f"{where}: no {probe}")
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        port = c.get(probe, {}).get("httpGet", {}).get("port")
        if isinstance(port, str) and port not in ports:
            errors.append(f"{where}: {probe} names port {port!r}, which the container does not declare")
    res = c.get("resources", {})
    for r in ("cpu", "memory"):
        req, lim = res.get("requests", {}).get(r), res.get("limits", {}).get(r)
        if req is None or lim is None:
            errors.append(f"{where}: {r} request and limit are both required")
        elif quantity(req) > quantity(lim):
            errors.append(f"{where}: {r} request {req} exceeds its limit {lim}")
    for src in c.get("envFrom", []):
        for ref, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            if ref in src and (kind, src[ref]["name"]) not in names:
                errors.append(f"{where}: envFrom names {kind} {src[ref]['name']!r}, which does not exist")
    for env in c.get("env", []):
        for ref, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
            r = env.get("valueFrom", {}).get(ref)
            if r and r["key"] not in names.get((kind, r["name"]), set()):
                errors.append(f"{where}: env {env['name']} names {kind} {r['name']!r} key {r['key']!r}, which does not exist")
    return errors


def policy_errors(docs):
    errors = []
    names = {}
    for d in docs:
        if d["kind"] in ("ConfigMap", "Secret"):
            names[(d["kind"], d["metadata"]["name"])] = set(d.get("data", {})) | set(d.get("stringData", {}))
    deployments = by_kind(docs, "Deployment")
    scaled = {h["spec"]["scaleTargetRef"]["name"] for h in by_kind(docs, "HorizontalPodAutoscaler")}
    for d in deployments:
        name = d["metadata"]["name"]
        labels = d["spec"]["template"]["metadata"].get("labels", {})
        if not selects(d["spec"]["selector"].get("matchLabels"), labels):
            errors.append(f"Deployment/{name}: its selector does not match its pod labels")
        rolling = d["spec"].get("strategy", {}).get("rollingUpdate", {})
        if rolling.get("maxUnavailable") != 0:
            errors.append(f"Deployment/{name}: rollingUpdate.maxUnavailable must be 0 (zero-downtime rollout)")
        if name in scaled and "replicas" in d["spec"]:
            errors.append(f"Deployment/{name}: fixed replicas on a Deployment its HPA scales")
        if not any(selects(s["spec"].get("selector"), labels) for s in by_kind(docs, "Service")):
            errors.append(f"Deployment/{name}: no Service selects its pods")
        for c in d["spec"]["template"]["spec"]["containers"]:
            errors += container_errors(c, names, f"Deployment/{name} container {c['name']}")
    pod_labels = [d["spec"]["template"]["metadata"].get("labels", {}) for d in deployments]
    for s in by_kind(docs, "Service"):
        name = s["metadata"]["name"]
        if not any(selects(s["spec"].get("selector"), labels) for labels in pod_labels):
            errors.append(f"Service/{name}: selects no pods")
        is_gateway = s["metadata"].get("labels", {}).get("app.kubernetes.io/component") == "gateway"
        if is_gateway and s["spec"].get("type") != "LoadBalancer":
            errors.append(f"Service/{name}: the gateway must be a LoadBalancer Service")
    for h in by_kind(docs, "HorizontalPodAutoscaler"):
        if h["spec"]["scaleTargetRef"]["name"] not in {d["metadata"]["name"] for d in deployments}:
            errors.append(f"HorizontalPodAutoscaler/{h['metadata']['name']}: scales a Deployment that does not exist")
    for p in by_kind(docs, "PodDisruptionBudget"):
        if not any(selects(p["spec"]["selector"].get("matchLabels"), labels) for labels in pod_labels):
            errors.append(f"PodDisruptionBudget/{p['metadata']['name']}: selects no pods")
    for cm in by_kind(docs, "ConfigMap"):
        for k, v in cm.get("data", {}).items():
            if re.search(r"://[^/@\s]+:[^/@\s]+@", str(v)) or re.search(r"PASSWORD|PRIVATE_KEY|SECRET", k):
                errors.append(f"ConfigMap/{cm['metadata']['name']}: {k} holds a credential; it belongs in a Secret")
    return errors


def check(kustomization):
    try:
        docs = render(kustomization)
    except ValueError as e:
        return [str(e)]
    return schema_errors(docs) + policy_errors(docs)


def main(paths):
    failed = False
    for path in paths:
        problems = check(path)
        for p in problems:
            print(f"{path}: {p}")
        print(f"{path}: {'FAILED' if problems else 'ok'}")
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
