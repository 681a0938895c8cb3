"""The Kubernetes manifests under deploy/k8s: generated from the code (never stale), valid
against the real schemas in strict mode, and passing the policy check; each kind of broken
manifest is caught (scripts/k8s-check)."""
import filecmp
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("HEXA_BIN", ROOT / "build" / "bin"))
DEPLOY = ROOT / "deploy" / "k8s"
SYSTEMS = sorted(p.name for p in (ROOT / "systems").iterdir() if (p / "system.yaml").exists())


def check(*dirs):
    return subprocess.run([str(ROOT / "scripts" / "k8s-check"), *map(str, dirs)],
                          capture_output=True, text=True, timeout=600)


def differences(a, b):
    cmp = filecmp.dircmp(a, b)
    out = [f"{a}/{n}" for n in cmp.left_only + cmp.right_only + cmp.diff_files + cmp.funny_files]
    for sub in cmp.common_dirs:
        out += differences(a / sub, b / sub)
    return out


@pytest.mark.parametrize("system", SYSTEMS)
def test_manifests_are_not_stale(system, tmp_path):
    subprocess.run([str(BIN / "hexa"), "k8s", system, "--out", str(tmp_path)], check=True, capture_output=True)
    assert (DEPLOY / system).is_dir(), f"run `build/bin/hexa k8s {system}` and commit deploy/k8s/{system}"
    stale = differences(tmp_path / system, DEPLOY / system)
    assert not stale, f"deploy/k8s/{system} is stale (run `build/bin/hexa k8s {system}`): {stale}"


def test_every_kustomization_passes():
    dirs = sorted(p.parent for p in DEPLOY.rglob("kustomization.yaml"))
    assert len(dirs) >= 2 * len(SYSTEMS)  # a base and at least one profile overlay each
    out = check(*dirs)
    assert out.returncode == 0, out.stdout + out.stderr


def test_every_seed_autoscaler_is_there():
    hpa = {}
    for f in DEPLOY.rglob("base/*.yaml"):
        for d in yaml.safe_load_all(f.read_text()):
            if d and d["kind"] == "HorizontalPodAutoscaler":
                hpa[d["metadata"]["name"]] = d["spec"]
    seeds = {"elearning-apply": (1, 2, 50), "moviebooking-payment": (1, 10, 15), "roomreservation-payment": (1, 10, 15)}
    for name, (lo, hi, cpu) in seeds.items():
        if name.split("-")[0] not in SYSTEMS:
            continue
        spec = hpa.get(name)
        assert spec, f"no HorizontalPodAutoscaler {name}"
        assert (spec["minReplicas"], spec["maxReplicas"]) == (lo, hi)
        assert spec["metrics"][0]["resource"]["target"]["averageUtilization"] == cpu


def edit(path, fn):
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
    for d in docs:
        fn(d)
    path.write_text(yaml.safe_dump_all(docs, sort_keys=False))


def deployment(kind="Deployment"):
    return lambda f: (lambda d: f(d) if d["kind"] == kind else None)


BROKEN = {
    "misspelt field": (deployment()(lambda d: d["spec"]["template"]["spec"].update(terminationGracePeriod=5)),
                       "terminationGracePeriod"),
    "removed apiVersion": (deployment("HorizontalPodAutoscaler")(lambda d: d.update(apiVersion="autoscaling/v2beta2")),
                           "not served"),
    "selector mismatch": (deployment()(lambda d: d["spec"]["selector"]["matchLabels"].update({"app.kubernetes.io/name": "x"})),
                          "selector does not match"),
    "no readiness probe": (deployment()(lambda d: d["spec"]["template"]["spec"]["containers"][0].pop("readinessProbe")),
                           "no readinessProbe"),
    "request above limit": (deployment()(lambda d: d["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"].update(memory="1Gi")),
                            "exceeds its limit"),
    "gateway not a load balancer": (deployment("Service")(lambda d: d["spec"].update(type="ClusterIP")), "LoadBalancer"),
    "rollout may drop pods": (deployment()(lambda d: d["spec"]["strategy"]["rollingUpdate"].update(maxUnavailable=1)),
                              "maxUnavailable must be 0"),
    "dangling ConfigMap": (deployment()(lambda d: d["spec"]["template"]["spec"]["containers"][0]["envFrom"][0]["configMapRef"].update(name="nope")),
                           "does not exist"),
    "password in a ConfigMap": (deployment("ConfigMap")(lambda d: d["data"].update(STORE_URL="postgresql://u:pw@db/x")),
                                "belongs in a Secret"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_kind_of_broken_manifest_is_caught(case, tmp_path):
    base = tmp_path / "base"
    shutil.copytree(DEPLOY / "carrental" / "base", base)
    fn, message = BROKEN[case]
    target = base / ("gateway.yaml" if "gateway" in case or "apiVersion" in case else "contract.yaml")
    if "apiVersion" in case:  # no autoscaler in car rental's gateway: give it one, then break it
        target = base / "contract.yaml"
        docs = list(yaml.safe_load_all(target.read_text()))
        docs.append({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                     "metadata": {"name": "carrental-contract"},
                     "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "carrental-contract"},
                              "minReplicas": 1, "maxReplicas": 2}})
        target.write_text(yaml.safe_dump_all([d for d in docs if d], sort_keys=False))
    edit(target, fn)
    out = check(base)
    assert out.returncode == 1, out.stdout
    assert message in out.stdout, out.stdout
